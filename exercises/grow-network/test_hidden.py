"""Hidden graders for grow-network: the old state is kept, the trajectory equals add_param_group's, lr honoured."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_trajectory_and_state(learner, device, rng):
    """Adam's state for the old parameters survives grow, and training continues exactly like add_param_group."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("run", seed, None, str(device))
    want = learner.probe("run", seed, None, str(device), False)
    if not got["state_kept"]:
        raise CheckFailure("grow reset or changed the optimizer's state for the old parameters")
    if len(got["params"]) != len(want["params"]):
        raise CheckFailure("the grown model has the wrong parameters")
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, what=f"parameter {i} two steps after grow", rtol=1e-10, atol=1e-12)


def test_group_lr(learner, device, rng):
    """With lr given, the new group uses it and the old group keeps the optimizer's lr."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("run", seed, 0.05, str(device))
    if got["group_lrs"] != [0.01, 0.05]:
        raise CheckFailure("the new param group must use the given lr, the old one keep its own")
    want = learner.probe("run", seed, 0.05, str(device), False)
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, what=f"parameter {i} after training with the new group's lr", rtol=1e-10, atol=1e-12)
