"""Hidden graders for anomaly-nan-source: the node anomaly mode names, forward-only NaN, inf, clean runs."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

WHAT = {
    "zero_over_zero": "0 / 0 (its backward returns NaN)",
    "norm_of_zero_row": "the norm of a zero row (the NaN first appears one node after the sqrt)",
    "nan_in_forward_only": "a NaN in the forward pass whose gradient is finite",
    "inf_gradient": "an infinite but not NaN gradient (x ** 0.5 at 0)",
    "clean": "a function whose backward is finite",
}


@pytest.mark.parametrize("name", list(WHAT))
def test_find(learner, device, rng, name):
    """find_nan_backward on one kind of function, and anomaly mode is off afterwards."""
    shift = float(torch.rand(1, generator=rng))
    got = learner.probe("find", name, shift, str(device))
    if got["got"] != P.expected(name):
        raise CheckFailure(f"find_nan_backward is wrong for {WHAT[name]}")
    if got["anomaly_on"]:
        raise CheckFailure("anomaly detection is still switched on after find_nan_backward")


def test_row_norms(learner, device, rng):
    """row_norms: values and gradients equal the true norm's, with zero rows getting a zero gradient."""
    x = torch.randn(6, 4, generator=rng, dtype=torch.float64)
    x[1] = 0.0
    x[4] = 0.0
    x = x.to(device)
    got = learner.probe("norm_grad", x)
    want = x.norm(dim=1)
    expect_close(got["out"], want, what="row_norms(x)", rtol=1e-12, atol=1e-12)
    grad = torch.where(want[:, None] > 0, x / want.clamp_min(1e-300)[:, None], torch.zeros_like(x))
    expect_close(got["grad"], grad, what="the gradient of row_norms(x).sum()", rtol=1e-10, atol=1e-12)
