"""Hidden graders for fix-data-parallel-gloo: averaged gradients over 2 and 3 ranks, and SGD steps that leave every
rank identical to one process on the whole batch, step by step, with each rank's own loss returned."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_average_equals_full_batch(learner, rng):
    """Each rank's averaged gradients equal the full-batch gradients, with 3 ranks (the world size is not always 2)."""
    seed = seed_of(rng)
    batch = 3 * int(torch.randint(1, 5, (1,), generator=rng))
    ranks = G.ranks_ok(learner.probe("run_ranks", seed, 1, batch, 0.05, "average", 3), hidden=True)
    want = P.reference_gradients(seed, batch)
    for r, grads in enumerate(ranks):
        for i, (g, w) in enumerate(zip(grads, want)):
            if g is None:
                raise CheckFailure(f"rank {r}'s parameter {i} has no gradient after average_gradients")
            expect_close(g, w, what=f"rank {r}'s averaged gradient of parameter {i} (3 ranks)")


def check_training(learner, seed, steps, batch, world):
    """Step by step: each rank's returned loss (from the parameters the previous step left), then the parameters after
    the step (the same on every rank, and the single process's)."""
    ranks = G.ranks_ok(learner.probe("run_ranks", seed, steps, batch, 0.05, "train", world), hidden=True)
    want = P.reference_training(seed, steps, batch, 0.05, world)
    for r, got in enumerate(ranks):
        if len(got["losses"]) != steps or any(type(v) is not float for v in got["losses"]):
            raise CheckFailure("train_step must return the loss as a Python float")
    for k in range(steps):
        for r, got in enumerate(ranks):
            if not math.isclose(got["losses"][k], want["losses"][r][k], rel_tol=1e-9, abs_tol=1e-12):
                raise CheckFailure(f"at step {k + 1} train_step on rank {r} returned a loss that is not the loss of "
                                   f"that rank's shard ({world} ranks)")
        for r in range(1, world):
            for i, (a, b) in enumerate(zip(ranks[0]["params"][k], ranks[r]["params"][k])):
                if not torch.equal(a, b):
                    raise CheckFailure(f"after step {k + 1} ranks 0 and {r} disagree on parameter {i}: they did not "
                                       f"take the same step ({world} ranks)")
        for i, (a, b) in enumerate(zip(ranks[0]["params"][k], want["params"][k])):
            expect_close(a, b, what=f"parameter {i} after {k + 1} data-parallel step(s) ({world} ranks)", rtol=1e-9,
                         atol=1e-12)


def test_training_matches_single_process(learner, rng):
    """Four data-parallel SGD steps on 2 ranks: after every step both ranks are bit-identical and equal single-process
    large-batch training, and each rank's train_step returns the loss of its own shard."""
    check_training(learner, seed_of(rng), 4, 8, 2)


def test_training_three_ranks(learner, rng):
    """Two data-parallel SGD steps on 3 ranks (a third of each batch each) equal single-process training."""
    check_training(learner, seed_of(rng), 2, 9, 3)
