"""Hidden graders for anomaly-nan-source: the node anomaly mode names, forward-only NaN, inf, clean runs, errors that
must propagate; row norms in two dtypes and layouts, zero and small rows. Expected answers are fixed here."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close
from grader.judge.kit import layouts

EXPECTED = {
    "zero_over_zero": ("DivBackward0", "0 / 0 (its backward returns NaN)"),
    "norm_of_zero_row": ("MulBackward0", "sqrt((x * x).sum(-1)) at a zero row (the NaN first appears in the Mul after "
                                         "the sqrt)"),
    "pow_norm_of_zero_row": ("PowBackward0", "x.pow(2).sum(1).sqrt() at a zero row (the NaN first appears in the Pow "
                                             "after the sqrt)"),
    "nan_in_forward_only": (None, "a NaN in the forward pass whose gradient is finite"),
    "inf_gradient": (None, "an infinite but not NaN gradient (x ** 0.5 at 0)"),
    "clean": (None, "a function whose backward is finite"),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_find(learner, device, rng, name):
    """find_nan_backward on one kind of function, and anomaly mode is off afterwards."""
    want, what = EXPECTED[name]
    got = learner.probe("find", name, float(torch.rand(1, generator=rng)), str(device))
    if got["got"] != want:
        raise CheckFailure(f"find_nan_backward is wrong for {what}")
    if got["anomaly_on"]:
        raise CheckFailure("anomaly detection is still switched on after find_nan_backward")


def test_other_errors_propagate(learner, device, rng):
    """A ValueError raised by fn and a backward RuntimeError that is not anomaly mode's NaN report propagate, and
    anomaly detection is off afterwards all the same."""
    for name, error, what in (("refuses", "ValueError", "a function that raises ValueError"),
                              ("no_graph", "RuntimeError", "a loss without a graph (backward raises RuntimeError)")):
        got = learner.probe("find_raising", name, float(torch.rand(1, generator=rng)), str(device))
        if got["raised"] != error:
            raise CheckFailure(f"find_nan_backward on {what} must let the {error} propagate")
        if got["anomaly_on"]:
            raise CheckFailure(f"anomaly detection is still switched on after find_nan_backward raised ({what}): "
                               "use the context manager, which restores the mode whatever happens")


def norm_case(rng, dtype):
    """Random rows with two zero rows, a row with one non-zero entry, and a row of small norm (~1e-4)."""
    x = torch.randn(7, 4, generator=rng, dtype=torch.float64)
    x[1] = 0.0
    x[4] = 0.0
    x[2] = 0.0
    x[2, 3] = -2.5
    x[5] *= 1e-4
    return x.to(dtype)


def test_row_norms(learner, device, rng):
    """row_norms: values and gradients (for a random incoming gradient) equal the true norm's, zero rows get a zero
    gradient, in float64 and float32, for contiguous and non-contiguous inputs."""
    for dtype, (rtol, atol) in ((torch.float64, (1e-12, 1e-12)), (torch.float32, (1e-5, 1e-6))):
        base = norm_case(rng, dtype)
        g = torch.randn(base.shape[0], generator=rng, dtype=torch.float64).to(device, dtype)
        for layout, x in layouts(base.to(device)).items():
            got = learner.probe("norm_grad", x, g)
            x64 = x.double()
            norm = x64.norm(dim=1)
            grad = torch.where(norm[:, None] > 0, x64 / norm.clamp_min(1e-300)[:, None], torch.zeros_like(x64))
            expect_close(got["out"], norm.to(dtype), what=f"row_norms(x) ({dtype}, {layout} input)", rtol=rtol,
                         atol=atol)
            expect_close(got["grad"], (g.double()[:, None] * grad).to(dtype), rtol=rtol, atol=atol,
                         what=f"the gradient of row_norms(x) ({dtype}, {layout} input, zero and small rows)")
