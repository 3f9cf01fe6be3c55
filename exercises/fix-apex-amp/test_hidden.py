"""Hidden graders for fix-apex-amp: the same steps as native AMP, a skipped overflow step, the scale's growth."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_matches_native_amp(learner, device, rng):
    """Five steps give the losses, parameters and scale of autocast(bfloat16) + GradScaler."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("run", seed, 5, str(device))
    want = P.reference(seed, 5, str(device))
    if not all(type(v) is float for v in got["losses"]):
        raise CheckFailure("amp_step must return the loss as a Python float")
    if not all(math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7) for a, b in zip(got["losses"], want["losses"])):
        raise CheckFailure("the losses differ from native AMP's (autocast(bfloat16) forward and loss, scaled backward)")
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, what=f"parameter {i} after 5 steps", rtol=1e-5, atol=1e-6)
    if got["scale"] != want["scale"]:
        raise CheckFailure("the scaler's scale is not what scaler.update() makes it (it grows after good steps)")


def test_overflow_step_skipped(learner, device, rng):
    """A step whose loss is inf leaves the parameters untouched, halves the scale, and training goes on."""
    got = learner.probe("overflow", int(torch.randint(0, 10_000, (1,), generator=rng)), str(device))
    if not got["unchanged"]:
        raise CheckFailure("a step with inf/NaN gradients changed the parameters: step through the scaler")
    if got["scale_after"] != got["scale_before"] / 2:
        raise CheckFailure("the scale must be halved after a step with inf/NaN gradients (scaler.update())")
    if not got["finite"]:
        raise CheckFailure("after the skipped step the parameters are no longer finite")
