"""Hidden graders for fix-data-parallel-gloo: averaged gradients over 2 and 3 ranks, and SGD steps that leave every
rank identical to one process on the whole batch, step by step, with each rank's own loss returned."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")


def ranks_ok(ranks, what=""):
    """G.ranks_ok for hidden graders: a hidden grader shows only its first line, so the failing rank's error (its type
    and first line, raised by the code that rank ran) goes there, with what the ranks were doing."""
    for r, got in enumerate(ranks):
        if isinstance(got, dict) and "error" in got:
            first = (got["error"].splitlines() or ["no report"])[0][:200]
            raise CheckFailure(f"rank {r} failed{what}: {first}")
    return ranks


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_average_equals_full_batch(learner, rng):
    """Each rank's averaged gradients equal the full-batch gradients, with 3 ranks (the world size is not always 2);
    then, in the same processes, for a second model whose first weight gets an all-zero gradient on rank 0 only (its
    shard's inputs are zeros): every parameter is averaged on every call, a zero local gradient included."""
    seed = seed_of(rng)
    batch = 3 * int(torch.randint(1, 5, (1,), generator=rng))
    ranks = ranks_ok(learner.probe("run_ranks", seed, 1, batch, 0.05, "average_two", 3),
                     " while averaging gradients (3 ranks)")
    first = P.reference_gradients(seed, batch)
    want = first + P.reference_gradients_zero_shard(seed, batch, 3)
    for r, grads in enumerate(ranks):
        if len(grads) != len(want):
            raise CheckFailure(f"rank {r} did not report every parameter's gradient")
        for i, (g, w) in enumerate(zip(grads, want)):
            model = "the first model" if i < len(first) else ("a second model (a zero local gradient on rank 0, "
                                                               "every parameter averaged on every call)")
            j = i if i < len(first) else i - len(first)
            if g is None:
                raise CheckFailure(f"rank {r}'s parameter {j} of {model} has no gradient after average_gradients")
            expect_close(g, w, what=f"rank {r}'s averaged gradient of parameter {j} of {model} (3 ranks)")


def check_training(learner, seed, steps, batch, world, opt_name="sgd", spare=False, how="", stale=False):
    """Step by step: each rank's returned loss (from the parameters the previous step left), then the parameters after
    the step (the same on every rank, and the single process's). With stale, the model arrives with gradients of an
    unrelated batch in its .grad (different on every rank); the reference starts from no gradients, since train_step
    zeroes them before it back-propagates."""
    ranks = ranks_ok(learner.probe("run_ranks", seed, steps, batch, 0.05, "train", world, opt_name, spare, stale),
                     f" during train_step ({world} ranks{how})")
    want = P.reference_training(seed, steps, batch, 0.05, world, opt_name, spare)
    for r, got in enumerate(ranks):
        if len(got["losses"]) != steps or any(type(v) is not float for v in got["losses"]):
            raise CheckFailure("train_step must return the loss as a Python float")
    for k in range(steps):
        for r, got in enumerate(ranks):
            if not math.isclose(got["losses"][k], want["losses"][r][k], rel_tol=1e-9, abs_tol=1e-12):
                raise CheckFailure(f"at step {k + 1} train_step on rank {r} returned a loss that is not the loss of "
                                   f"that rank's shard ({world} ranks{how})")
        for r in range(1, world):
            for i, (a, b) in enumerate(zip(ranks[0]["params"][k], ranks[r]["params"][k])):
                if not torch.equal(a, b):
                    raise CheckFailure(f"after step {k + 1} ranks 0 and {r} disagree on parameter {i}: they did not "
                                       f"take the same step ({world} ranks{how})")
        for i, (a, b) in enumerate(zip(ranks[0]["params"][k], want["params"][k])):
            expect_close(a, b, what=f"parameter {i} after {k + 1} data-parallel step(s) ({world} ranks{how})",
                         rtol=1e-9, atol=1e-12)


def test_training_matches_single_process(learner, rng):
    """Four data-parallel SGD steps on 2 ranks: after every step both ranks are bit-identical and equal single-process
    large-batch training, and each rank's train_step returns the loss of its own shard. Then the same with a model that
    arrives with gradients left in .grad from an earlier backward: train_step zeroes the gradients first, so they must
    not leak into the first step. And three steps with an optimizer of two parameter groups (weights; biases with
    their own lr and momentum): every parameter is averaged, not only those of the first group. And two steps of a
    model whose two hidden layers share one weight Parameter: the shared parameter's gradient is averaged once."""
    check_training(learner, seed_of(rng), 4, 8, 2)
    check_training(learner, seed_of(rng), 2, 8, 2, stale=True,
                   how=", the model arriving with gradients left in .grad by an earlier backward: train_step must zero "
                       "the gradients before it back-propagates, not after the step")
    check_training(learner, seed_of(rng), 3, 8, 2, "sgd_groups",
                   how=", an SGD with two parameter groups (the weights, and the biases with their own lr and "
                       "momentum): every parameter of the model is averaged, whatever group it is in")
    check_training(learner, seed_of(rng), 2, 8, 2, "sgd", "tied",
                   how=", a model whose two hidden layers share one weight Parameter (weight tying): a shared "
                       "parameter is one parameter, its gradient averaged once")


def opposite_signs(seed, batch, world):
    """Some gradient entry has strictly opposite signs on two ranks at the first step: there one AdamW step per rank
    on its local gradient (about lr * sign each) averaged afterwards cannot equal the step on the averaged gradient."""
    grads = P.reference_shard_gradients(seed, batch, world)
    signs = [torch.cat([g.flatten() for g in rank]) for rank in grads]
    return any(bool(((a * b) < -1e-12).any()) for a in signs for b in signs)


def test_training_three_ranks(learner, rng):
    """Two data-parallel SGD steps on 3 ranks (a third of each batch each) equal single-process training; so do three
    AdamW steps on 2 and 3 ranks ("the same optimizer": AdamW is not linear in the gradient, so the gradients, not
    the parameters after local steps, must be averaged) with a parameter the forward never uses (its .grad stays None
    on every rank, so AdamW skips it, as the single process does). And three SGD steps of a model whose forward
    starts using that parameter at the second step: which parameters have a gradient is read on every call, never
    remembered from the first (a list of parameters cached by the first average_gradients leaves it unaveraged)."""
    check_training(learner, seed_of(rng), 2, 9, 3)
    check_training(learner, seed_of(rng), 3, 8, 2, "sgd", "late",
                   how=", a parameter unused at step 1 and used from step 2 on: average every parameter that has a "
                       ".grad at this call, not the ones that had one at the first call")
    for world, batch in ((2, 8), (3, 9)):
        seed = seed_of(rng)
        while not opposite_signs(seed, batch, world):
            seed = seed_of(rng)
        check_training(learner, seed, 3, batch, world, "adamw", True,
                       how=", AdamW, one parameter unused: average the gradients before the step, and leave a .grad "
                           "of None as None")
