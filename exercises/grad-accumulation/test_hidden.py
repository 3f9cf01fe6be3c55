"""Hidden graders for grad-accumulation: random data and seeds per run, compared with full-batch references."""

import torch

from grader.judge.checks import CheckFailure, compare_trajectories, expect_close, load_sibling

probes = load_sibling(__file__)


def data(rng, device, n):
    return (torch.randn(n, 3, generator=rng, dtype=torch.float64).to(device),
            torch.randn(n, 2, generator=rng, dtype=torch.float64).to(device))


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def check_grads(got, want, what):
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure(f"accumulated_grads must return {{name: gradient}} for every parameter ({what})")
    for name, w in want.items():
        expect_close(got[name], w.detach(), rtol=1e-10, atol=1e-12, what=f"the gradient of {name} ({what})")


def test_equal_chunks(learner, device, rng):
    """Micro-batches of equal size (and of size 1) add up to the full-batch gradient."""
    for n, size in ((8, 2), (5, 1), (6, 6)):
        seed, (x, y) = seed_of(rng), data(rng, device, n)
        check_grads(learner.probe("grads", seed, x, y, size)["value"], probes.full_batch_grads(seed, x, y),
                    f"{n} samples in micro-batches of {size}")


def test_unequal_chunks(learner, device, rng):
    """A shorter last micro-batch is weighted by its number of samples, not by 1 / (number of micro-batches)."""
    for n, size in ((7, 3), (10, 4)):
        seed, (x, y) = seed_of(rng), data(rng, device, n)
        check_grads(learner.probe("grads", seed, x, y, size)["value"], probes.full_batch_grads(seed, x, y),
                    f"{n} samples in micro-batches of {size}")


def test_stale_gradients_cleared(learner, device, rng):
    """Gradients already in .grad do not count, and afterwards .grad holds the full-batch gradient."""
    seed, (x, y) = seed_of(rng), data(rng, device, 6)
    got = learner.probe("grads", seed, x, y, 2, stale=True)
    want = probes.full_batch_grads(seed, x, y)
    check_grads(got["value"], want, "with stale gradients in .grad")
    check_grads(got["left"], want, "what is left in .grad")


def batches_of(rng, device, sizes):
    return [data(rng, device, s) for s in sizes]


def check_training(learner, rng, device, sizes, accum, kind="sgd"):
    seed = seed_of(rng)
    batches = batches_of(rng, device, sizes)
    got = learner.probe("train", seed, batches, accum, kind)
    want = probes.train_reference(seed, batches, accum, kind)
    what = f"{len(sizes)} micro-batches, accum_steps {accum}, {kind}"
    if got["steps"] != want["steps"]:
        raise CheckFailure(f"train_accumulated should take {want['steps']} optimizer steps ({what})")
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        compare_trajectories([a], [b], what=f"parameter {i} after training ({what})", rtol=1e-9, atol=1e-11)


def test_training_matches_large_batches(learner, device, rng):
    """Training with accumulation equals training on each group concatenated into one batch."""
    check_training(learner, rng, device, [4, 4, 4, 4, 4, 4], 3)
    check_training(learner, rng, device, [2, 2, 2, 2], 1)


def test_training_with_momentum_and_unequal_groups(learner, device, rng):
    """With momentum (state carried across steps), unequal micro-batches and a shorter last group."""
    check_training(learner, rng, device, [4, 2, 3, 4, 1], 2, kind="momentum")
