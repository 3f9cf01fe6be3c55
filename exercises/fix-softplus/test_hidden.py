"""Hidden graders for fix-softplus: random and extreme inputs, every check in float32 and in float64, first and
second derivatives.

Precision is relative, in units of the dtype's last place (ULPS of them, a few dozen): "accurate to float precision"
in the task. Results below the smallest normal number (subnormals, e^-100 in float32) are compared absolutely at
that size, since subnormals carry fewer digits.
"""

import math

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor

DTYPES = (torch.float32, torch.float64)
ULPS = 64


def tol(dtype):
    info = torch.finfo(dtype)
    return dict(rtol=ULPS * info.eps, atol=info.tiny)


def exact(x):
    """softplus computed stably in float64, then rounded to x's dtype."""
    d = x.detach().double()
    return (d.clamp(min=0) + torch.log1p(torch.exp(-d.abs()))).to(x.dtype)


def sigmoid64(x):
    return torch.sigmoid(x.detach().double())


def edges(dtype, device):
    """The inputs where near-miss formulas break in this dtype: around exp's overflow (log of the largest value),
    +-1e4, the largest finite values, zeros of both signs, and the tiny-value region down to the smallest normal."""
    info = torch.finfo(dtype)
    over = math.log(info.max)
    under = math.log(info.tiny)
    values = [0.0, -0.0, 1e-8, -1e-8, 15.0, 20.0, 20.5, 30.0, 37.0, over - 1, over + 1, 1e3, 1e4, info.max,
              -15.0, -20.0, -37.0, -80.0, under + 1, -1e3, -1e4, -info.max]
    return torch.tensor(values, dtype=torch.float64).to(device, dtype)


def forward_both(learner, x, what):
    """softplus(x) and Softplus.apply(x) both, compared with the exact value."""
    for target in ("softplus", "Softplus.apply"):
        expect_close(learner.call(target, x), exact(x), **tol(x.dtype), what=f"{target}(x) {what}")


def test_forward_accurate_float64(learner, device, rng):
    """In float64, softplus is accurate to float precision for moderate, large and extreme |x| (and finite)."""
    for scale in (1.0, 30.0, 1e3):
        x = kit.adversarial(rng, (48,), dtype=torch.float64, device=device, scale=scale)
        forward_both(learner, x, f"in float64 for |x| around {scale:g}")
    forward_both(learner, edges(torch.float64, device), "in float64 at the edges (exp's overflow near 709.8, "
                 "+-1e4, the largest float64, zeros)")


def test_forward_stable_float32(learner, device, rng):
    """In float32, softplus is finite and accurate to float precision up to |x| = 1e4 and the largest float32
    (exp(89) already overflows)."""
    for scale in (1.0, 30.0, 100.0):
        x = kit.adversarial(rng, (48,), dtype=torch.float32, device=device, scale=scale)
        forward_both(learner, x, f"in float32 for |x| around {scale:g}")
    forward_both(learner, edges(torch.float32, device), "in float32 at the edges (exp's overflow near 88.7, "
                 "+-1e4, the largest float32, zeros)")


def test_tiny_values_keep_precision(learner, device, rng):
    """For very negative x, softplus(x) is about e^x: relative precision is kept down to the smallest normal result
    (float32 and float64), and subnormal results are right to their size."""
    for dtype in DTYPES:
        info = torch.finfo(dtype)
        low = math.log(info.tiny)
        x = torch.cat([torch.linspace(low + 0.5, -15.0, 40, dtype=torch.float64),
                       torch.empty(8, dtype=torch.float64).uniform_(low, -15.0, generator=rng),
                       torch.tensor([low - 3.0, low - 10.0], dtype=torch.float64)]).to(device, dtype)
        forward_both(learner, x, f"for x from {low - 10:.0f} to -15 in {dtype}")


def test_dtype_and_shape_kept(learner, device, rng):
    """The result has x's dtype and shape (and the right values, +-1e4 among them): a 0-d tensor, a matrix and an
    empty tensor, float32 and float64; and a second matrix equal to the first but in its middle row (nothing is
    remembered between calls)."""
    for dtype in DTYPES:
        for shape in ((), (3, 4), (0, 2)):
            x = kit.adversarial(rng, shape, dtype=dtype, device=device, extremes=1e4)
            out = learner.call("softplus", x)
            expect_tensor(out, what=f"softplus(x) for x of shape {shape} in {dtype}", shape=shape, dtype=dtype,
                          device=device)
            expect_close(out, exact(x), **tol(dtype), what=f"softplus(x) for x of shape {shape} in {dtype}")
            if shape == (3, 4):
                # a second x of the same shape and dtype, equal to the first in its first and last rows: a result
                # remembered from an earlier call (keyed by the shape, the dtype or a few entries) comes back stale
                x2 = x.clone()
                x2[1] = kit.adversarial(rng, (4,), dtype=dtype, device=device, scale=30.0) + 1.0
                expect_close(learner.call("softplus", x2), exact(x2), **tol(dtype),
                             what=f"softplus(x) for a second x of shape {shape} in {dtype}, equal to the first call's "
                                  "x but in its middle row: compute every call afresh, nothing remembered between "
                                  "calls")


def grad_of(learner, x, g):
    x = x.detach().requires_grad_(True)
    (got,) = torch.autograd.grad(learner.function("Softplus.apply")(x), x, g)
    return got


def test_backward_is_sigmoid(learner, device, rng):
    """backward returns sigmoid(x) times the incoming gradient (zero and negative incoming gradients included),
    accurate to float precision in float32 and float64."""
    for dtype in DTYPES:
        x = kit.adversarial(rng, (24,), dtype=dtype, device=device, scale=6.0)
        g = kit.adversarial(rng, (24,), dtype=dtype, device=device, scale=1.0)
        want = (g.double() * sigmoid64(x)).to(dtype)
        got = grad_of(learner, x, g)
        expect_close(got, want, **tol(dtype), what=f"the gradient of softplus in {dtype}{where_off(got, want, x)}")


def where_off(got, want, x):
    """Which side of 0 the wrong entries lie on, never their values: a sigmoid that loses precision only for very
    negative x (1 - sigmoid(-x), or a float32 step inside) is a different fault from a wrong formula everywhere."""
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or got.dtype != want.dtype:
        return ""
    bad = ~torch.isclose(got, want, **tol(want.dtype))
    if not bool(bad.any()):
        return ""
    if bool((x[bad] < -1).all()):
        return (" (only where x is well below 0, where sigmoid(x) is small: compute it there without cancellation, "
                "as exp(x) / (1 + exp(x)); 1 - sigmoid(-x) or 1 - exp(-softplus(x)) lose it)")
    if bool((x[bad] > 1).all()):
        return " (only where x is well above 0)"
    return ""


def test_extreme_gradients_finite(learner, device):
    """At the edges (|x| up to 1e4 and the dtype's largest, the tiny-value region) the gradient is finite and
    accurate, in float32 and float64 (exp(x) / (1 + exp(x)) gives inf / inf there)."""
    for dtype in DTYPES:
        x = edges(dtype, device)
        g = torch.ones_like(x)
        expect_close(grad_of(learner, x, g), sigmoid64(x).to(dtype), **tol(dtype),
                     what=f"the gradient of softplus at the edges in {dtype}")


def test_gradcheck(learner, device, rng):
    """gradcheck passes in float64 (backward against central differences)."""
    x = kit.adversarial(rng, (6,), device=device, scale=5.0).requires_grad_()
    check_gradients(learner.function("Softplus.apply"), (x,), what="Softplus", reference=exact, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works: the backward is differentiable (gradgradcheck in float64)."""
    x = kit.adversarial(rng, (6,), device=device, scale=3.0).requires_grad_()
    check_gradients(learner.function("Softplus.apply"), (x,), what="Softplus", reference=exact,
                    second_order=True, fast=True)


def test_second_derivative_finite(learner, device):
    """The second derivative sigmoid(x) (1 - sigmoid(x)) is finite and right at every edge, float32 and float64
    (1 / (1 + exp(-x)) differentiated by autograd gives inf / inf for very negative x)."""
    fn = learner.function("Softplus.apply")
    for dtype in DTYPES:
        x = edges(dtype, device).requires_grad_()
        g = torch.ones_like(x)
        (gx,) = torch.autograd.grad(fn(x), x, g, create_graph=True)
        if not gx.requires_grad:
            raise CheckFailure("the gradient of softplus must itself be differentiable (double backward)")
        (gxx,) = torch.autograd.grad(gx, x, torch.ones_like(x))
        s = sigmoid64(x)
        eps = torch.finfo(dtype).eps
        expect_close(gxx, (s * (1 - s)).to(dtype), rtol=ULPS * eps, atol=ULPS * eps,
                     what=f"the second derivative of softplus at the edges in {dtype}")
