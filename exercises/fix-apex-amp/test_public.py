"""Public graders for fix-apex-amp. The reference (native autocast + GradScaler) runs here, in the judge."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_autocast_example(learner, device):
    """One step on seed 0: the loss of a bfloat16 forward (as a Python float); parameters and gradients float32, with
    native AMP's values."""
    inputs = ("seed 0: Linear(6, 32)-ReLU-Linear(32, 2), SGD(lr=0.05, momentum=0.9), "
              "GradScaler(init_scale=2**12, growth_interval=2), x of shape (16, 6)")
    got = learner.probe("run", 0, 1, None, None, str(device))
    want = P.reference(0, 1, None, None, str(device))[0]
    if not isinstance(got, list) or len(got) != 1:
        raise CheckFailure("the grader could not read the result of one amp_step", inputs)
    got = got[0]
    if type(got["loss"]) is not float:
        raise CheckFailure("amp_step must return the loss as a Python float", f"received {got['loss']!r}; {inputs}")
    if not math.isclose(got["loss"], want["loss"], rel_tol=1e-5, abs_tol=1e-7):
        raise CheckFailure("the loss returned is not native AMP's: the unscaled loss of a forward pass and loss "
                           "under autocast(bfloat16)",
                           f"expected {want['loss']!r}, received {got['loss']!r}; {inputs}")
    for i, (g, w) in enumerate(zip(got["grads"], want["grads"])):
        if g is None:
            raise CheckFailure(f"parameter {i} has no gradient after amp_step", inputs)
        expect_close(g, w, what=f"the gradient of parameter {i} after the step (float32, unscaled by scaler.step)",
                     inputs=inputs, rtol=1e-5, atol=1e-6)
    for i, (g, w) in enumerate(zip(got["params"], want["params"])):
        expect_close(g, w, what=f"parameter {i} after one step (float32)", inputs=inputs, rtol=1e-5, atol=1e-6)
