"""Hidden graders for fix-softplus: random and extreme inputs, float32 and float64, double backward."""

import torch

from grader.judge.checks import CheckFailure, banned_names_used, check_gradients, expect_close, expect_tensor

BANNED = ["torch.nn.functional.softplus", "torch.nn.Softplus"]


def exact(x):
    """softplus computed stably in float64, then cast to x's dtype."""
    d = x.detach().double()
    return (d.clamp(min=0) + torch.log1p(torch.exp(-d.abs()))).to(x.dtype)


def spread(rng, n, device, dtype, scale):
    return (torch.randn(n, generator=rng, dtype=torch.float64) * scale).to(device, dtype)


def test_forward_accurate_float64(learner, device, rng):
    """In float64, softplus matches log(1 + e^x) to 1e-12 relative, for moderate and large |x|."""
    for scale in (1.0, 30.0, 1e3):
        x = spread(rng, 64, device, torch.float64, scale)
        expect_close(learner.call("softplus", x), exact(x), rtol=1e-12, atol=0.0,
                     what=f"softplus(x) in float64 for |x| around {scale:g}")


def test_forward_stable_float32(learner, device, rng):
    """In float32, softplus is finite and accurate up to |x| = 1e4 (exp(89) already overflows)."""
    x = torch.cat([spread(rng, 32, device, torch.float32, 100.0),
                   torch.tensor([88.0, 89.0, 100.0, 1e4, -1e4, -100.0, 0.0], device=device)])
    expect_close(learner.call("softplus", x), exact(x), rtol=1e-6, atol=1e-30,
                 what="softplus(x) in float32 for large |x|")


def test_tiny_values_keep_precision(learner, device, rng):
    """For very negative x, softplus(x) is about e^x: it must not round to 0 (float32 and float64)."""
    for dtype, low in ((torch.float32, -80.0), (torch.float64, -700.0)):
        x = torch.linspace(low, -15.0, 40, dtype=torch.float64).to(device, dtype)
        expect_close(learner.call("softplus", x), exact(x), rtol=1e-5 if dtype == torch.float32 else 1e-12,
                     atol=0.0, what=f"softplus(x) for x from {low:g} to -15 in {dtype}")


def test_backward_is_sigmoid(learner, device, rng):
    """backward returns sigmoid(x) times the incoming gradient."""
    fn = learner.function("Softplus.apply")
    x = spread(rng, 20, device, torch.float64, 4.0).requires_grad_()
    g = spread(rng, 20, device, torch.float64, 1.0)
    (got,) = torch.autograd.grad(fn(x), x, g)
    expect_close(got, g * torch.sigmoid(x.detach()), rtol=1e-10, atol=1e-12, what="the gradient of softplus")


def test_extreme_gradients_finite(learner, device):
    """At |x| = 1e4 the gradient is exactly 0 or 1, not inf or nan (float32)."""
    fn = learner.function("Softplus.apply")
    x = torch.tensor([-1e4, -100.0, 100.0, 1e4], device=device, requires_grad=True)
    (got,) = torch.autograd.grad(fn(x), x, torch.ones(4, device=device))
    expect_tensor(got, what="the gradient at |x| up to 1e4", shape=(4,), dtype=torch.float32, device=device)
    expect_close(got, torch.sigmoid(x.detach()), what="the gradient at |x| up to 1e4")


def test_gradcheck(learner, device, rng):
    """gradcheck passes in float64 (backward against central differences)."""
    x = spread(rng, 6, device, torch.float64, 5.0).requires_grad_()
    check_gradients(learner.function("Softplus.apply"), (x,), what="Softplus", reference=exact, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works: the backward is differentiable."""
    x = spread(rng, 6, device, torch.float64, 3.0).requires_grad_()
    check_gradients(learner.function("Softplus.apply"), (x,), what="Softplus", reference=exact,
                    second_order=True, fast=True)


def test_no_builtin_softplus(learner, source, device):
    """The stable formula is your own: torch.nn.functional.softplus and nn.Softplus are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the stable formula yourself")
    x = torch.tensor([100.0], device=device)
    expect_close(learner.call("softplus", x), exact(x), what="softplus(100) in float32")
