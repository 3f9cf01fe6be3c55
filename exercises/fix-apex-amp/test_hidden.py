"""Hidden graders for fix-apex-amp: step by step the same trajectory as native AMP (losses, parameters, gradients,
scale), and steps with inf or NaN gradients skipped. The reference runs here, in the judge."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def compare(got, want, what):
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"the grader could not read the result of {len(want)} amp_step calls ({what})")
    for k, (g, w) in enumerate(zip(got, want), start=1):
        if type(g["loss"]) is not float:
            raise CheckFailure("amp_step must return the loss as a Python float")
        finite = math.isfinite(w["loss"])
        if finite and not math.isclose(g["loss"], w["loss"], rel_tol=1e-5, abs_tol=1e-7):
            raise CheckFailure(f"the loss returned at step {k} is not native AMP's ({what}): the forward and the loss "
                               "run under autocast(bfloat16), the value returned is the unscaled loss")
        if not finite and math.isfinite(g["loss"]):
            raise CheckFailure(f"at step {k} the loss is not finite, but amp_step returned a finite value ({what})")
        # after a skipped step the gradients hold inf or NaN: nothing to compare there (only that the step was skipped)
        grads_finite = finite and all(b is None or bool(torch.isfinite(b).all()) for b in w["grads"])
        for i, (a, b) in enumerate(zip(g["grads"], w["grads"]) if grads_finite else ()):
            if a is None:
                raise CheckFailure(f"parameter {i} has no gradient after step {k} ({what}): amp_step zeroes the "
                                   "gradients first, then backward fills them, and they stay there after the step")
            if finite:
                expect_close(a, b, what=f"the gradient of parameter {i} after step {k} ({what}; float32, unscaled: "
                             "of this step's loss alone, nothing left from an earlier step)",
                             rtol=1e-5, atol=1e-6)
        for i, (a, b) in enumerate(zip(g["params"], w["params"])):
            expect_close(a, b, what=f"parameter {i} after step {k} ({what})", rtol=1e-5, atol=1e-6)
        if g["scale"] != w["scale"]:
            raise CheckFailure(f"the scaler's scale after step {k} is not what scaler.update() makes it ({what}): it "
                               "grows after good steps and halves after a step with inf/NaN gradients")


def test_matches_native_amp(learner, device, rng):
    """Five steps give, step by step, the losses, gradients, parameters and scale of autocast(bfloat16) + GradScaler;
    also with bfloat16 targets, where only a loss computed under autocast (mse_loss is on autocast's float32 list) is
    native AMP's: outside autocast it would be computed in bfloat16."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    compare(learner.probe("run", seed, 5, None, None, str(device)), P.reference(seed, 5, None, None, str(device)),
            "five good steps")
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    compare(learner.probe("run", seed, 3, None, None, str(device), "bfloat16"),
            P.reference(seed, 3, None, None, str(device), "bfloat16"), "three good steps with bfloat16 targets y")


def test_overflow_step_skipped(learner, device, rng):
    """A step whose gradients are inf (or NaN) leaves the parameters untouched and halves the scale, and the next good
    step is native AMP's; also when the loss itself is finite and only the scaled gradients overflow (a target of 1e6
    with a scale of 2**120): what decides is the gradients, which scaler.step checks, not the loss."""
    for bad in ("inf", "nan"):
        seed = int(torch.randint(0, 10_000, (1,), generator=rng))
        compare(learner.probe("run", seed, 4, 2, bad, str(device)), P.reference(seed, 4, 2, bad, str(device)),
                f"a target of {bad} at step 3")
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    compare(learner.probe("run", seed, 4, 2, "1e6", str(device), None, 2.0 ** 120),
            P.reference(seed, 4, 2, "1e6", str(device), None, 2.0 ** 120),
            "GradScaler(init_scale=2**120) and a target of 1e6 at step 3: that step's loss is finite, its scaled "
            "gradients overflow to inf, so scaler.step must skip it (a check of the loss alone misses it)")
