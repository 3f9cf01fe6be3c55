"""Hidden graders for fix-loss-accumulation: nothing kept alive, the same training as torch, a graph-free evaluation."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_train_matches_reference(learner, device, rng):
    """train_epoch takes one zero_grad/backward/step per batch: losses and parameters match a reference loop."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    n = int(torch.randint(3, 7, (1,), generator=rng))
    got = learner.probe("run_train", seed, n, 0.05, str(device))
    want = P.reference_train(seed, n, 0.05, str(device))
    if not got["floats"]:
        raise CheckFailure("train_epoch must return Python floats")
    if len(got["losses"]) != n or not all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
                                          for a, b in zip(got["losses"], want["losses"])):
        raise CheckFailure("the losses returned by train_epoch differ from one step per batch with zeroed gradients")
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, what=f"parameter {i} after the epoch", rtol=1e-9, atol=1e-12)


def test_train_keeps_nothing_alive(learner, device, rng):
    """After train_epoch returns, every activation of every batch has been freed."""
    got = learner.probe("run_train", int(torch.randint(0, 10_000, (1,), generator=rng)), 5, 0.05, str(device))
    if got["calls"] < 5:
        raise CheckFailure("train_epoch must run the model once per batch")
    if got["alive"]:
        raise CheckFailure("after train_epoch returned, activations of its forward passes are still alive")


def test_evaluate(learner, device, rng):
    """evaluate returns the mean batch loss as a float, saves nothing for backward, leaves parameters and grads alone."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("run_evaluate", seed, int(torch.randint(2, 6, (1,), generator=rng)), str(device))
    if not got["is_float"]:
        raise CheckFailure("evaluate must return a Python float")
    if got["value"] is None or not math.isclose(got["value"], got["want"], rel_tol=1e-9):
        raise CheckFailure("evaluate does not return the mean of the batches' losses")
    if got["saved"]:
        raise CheckFailure("evaluate records a graph: tensors were saved for backward")
    if not got["params_same"] or not got["grads_same"]:
        raise CheckFailure("evaluate must not change the parameters or their gradients")
