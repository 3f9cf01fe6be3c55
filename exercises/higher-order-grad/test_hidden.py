"""Hidden graders for higher-order-grad: random points per run, closed-form derivatives."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def analytic(name, x, n):
    """The n-th derivative in closed form (the judge's reference)."""
    if name == "cube":
        return [x ** 3, 3 * x ** 2, 6 * x, 6 * torch.ones_like(x)][n] if n < 4 else torch.zeros_like(x)
    if name == "quartic":
        forms = [x ** 4 - 2 * x, 4 * x ** 3 - 2, 12 * x ** 2, 24 * x, 24 * torch.ones_like(x)]
        return forms[n] if n < 5 else torch.zeros_like(x)
    if name == "sin":
        return torch.sin(x + n * math.pi / 2)
    if name == "x_exp":
        return (x + n) * torch.exp(x)
    raise KeyError(name)


def rand(rng, *shape, device, dtype=torch.float64, requires_grad=True):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device, dtype).requires_grad_(requires_grad)


def test_matches_analytic_derivatives(learner, device, rng):
    """Derivatives 1 to 4 of x**3, x**4 - 2x, sin and x*exp(x) match their closed forms."""
    for name in ("cube", "quartic", "sin", "x_exp"):
        x = rand(rng, 5, device=device)
        for n in (1, 2, 3, 4):
            out = learner.probe("derivative", name, x, n)
            expect_close(out["value"], analytic(name, x.detach(), n), rtol=1e-9, atol=1e-9,
                         what=f"derivative {n} of {name}")


def test_zeroth_derivative_is_f(learner, device, rng):
    """n = 0 returns f(x) itself."""
    x = rand(rng, 4, device=device)
    expect_close(learner.probe("derivative", "tanh", x, 0)["value"], torch.tanh(x.detach()),
                 what="nth_derivative(torch.tanh, x, 0)")


def test_beyond_the_degree_is_zero(learner, device, rng):
    """Past a polynomial's degree the derivative is zero, also once a derivative stops requiring grad."""
    x = rand(rng, 3, device=device)
    expect_close(learner.probe("derivative", "cube", x, 4)["value"], torch.zeros(3, dtype=torch.float64, device=device),
                 what="derivative 4 of x**3")
    for n, value in ((1, 3.0), (2, 0.0), (3, 0.0)):
        expect_close(learner.probe("derivative", "linear", x, n)["value"],
                     torch.full((3,), value, dtype=torch.float64, device=device), what=f"derivative {n} of 3x + 1")


def test_stays_differentiable(learner, device, rng):
    """The result is still part of the graph: differentiating it once more gives the next derivative."""
    for name, n in (("sin", 2), ("x_exp", 1), ("quartic", 2)):
        x = rand(rng, 4, device=device)
        out = learner.probe("derivative", name, x, n)
        if not out["requires_grad"] or out["next"] is None:
            raise CheckFailure(f"the derivative {n} of {name} does not require grad: build each derivative with "
                               "create_graph=True and do not detach it")
        expect_close(out["next"], analytic(name, x.detach(), n + 1), rtol=1e-9, atol=1e-9,
                     what=f"the gradient of derivative {n} of {name}")


def test_leaves_x_grad_alone(learner, device, rng):
    """x.grad is still None afterwards: use torch.autograd.grad, not backward()."""
    x = rand(rng, 3, device=device)
    out = learner.probe("derivative", "sin", x, 2)
    if out["x_grad"] is not None:
        raise CheckFailure("nth_derivative wrote into x.grad: backward() accumulates there; use torch.autograd.grad")


def test_input_without_grad(learner, device, rng):
    """It works when x does not require grad."""
    x = rand(rng, 4, device=device, requires_grad=False)
    expect_close(learner.probe("derivative", "x_exp", x, 2)["value"], analytic("x_exp", x, 2), rtol=1e-9, atol=1e-9,
                 what="derivative 2 of x*exp(x) for an x without requires_grad")


def test_shape_and_dtype(learner, device, rng):
    """The result has x's shape and dtype: a 0-d tensor, a matrix, and float32."""
    for shape, dtype in (((), torch.float64), ((2, 3), torch.float64), ((4,), torch.float32)):
        x = rand(rng, *shape, device=device, dtype=dtype)
        out = learner.probe("derivative", "sin", x, 2)
        expect_tensor(out["value"], what=f"derivative 2 of sin for x of shape {shape} and {dtype}", shape=shape,
                      dtype=dtype, device=device)
        expect_close(out["value"], analytic("sin", x.detach(), 2), what=f"derivative 2 of sin ({dtype})")
