"""Hidden graders for fix-data-parallel-gloo: averaged gradients and SGD steps equal one process on the whole batch."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def run(learner, seed, steps, batch, what):
    ranks = learner.probe("run_ranks", seed, steps, batch, 0.05, what)
    for r, got in enumerate(ranks):
        if isinstance(got, dict) and "error" in got:
            raise CheckFailure(f"rank {r} failed", got["error"].splitlines()[0])
    return ranks


def test_average_equals_full_batch(learner, rng):
    """Each rank's averaged gradients equal the full-batch gradients, on random models and batches."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    batch = 2 * int(torch.randint(2, 9, (1,), generator=rng))
    ranks = run(learner, seed, 1, batch, "average")
    model = P.make(seed)
    x, y = P.data(seed, 1, batch)[0]
    torch.nn.functional.mse_loss(model(x), y).backward()
    for r, grads in enumerate(ranks):
        for i, (g, p) in enumerate(zip(grads, model.parameters())):
            expect_close(g, p.grad, what=f"rank {r}'s averaged gradient of parameter {i}")


def test_training_matches_single_process(learner, rng):
    """Four data-parallel SGD steps leave both ranks bit-identical and equal to single-process large-batch training."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    ranks = run(learner, seed, 4, 8, "train")
    if any(v is None for r in ranks for v in r["losses"]):
        raise CheckFailure("train_step must return the loss as a Python float")
    for i, (a, b) in enumerate(zip(ranks[0]["params"], ranks[1]["params"])):
        if not torch.equal(a, b):
            raise CheckFailure(f"after 4 steps the ranks disagree on parameter {i}: they did not take the same step")
    for i, (a, b) in enumerate(zip(ranks[0]["params"], P.single_process(seed, 4, 8, 0.05))):
        expect_close(a, b, what=f"parameter {i} after 4 data-parallel steps", rtol=1e-9, atol=1e-12)
