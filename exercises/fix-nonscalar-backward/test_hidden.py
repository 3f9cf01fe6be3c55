"""Hidden graders for fix-nonscalar-backward: random points and vectors per run, compared with torch.autograd.functional."""

import torch
from torch.autograd.functional import jacobian as torch_jacobian
from torch.autograd.functional import vjp as torch_vjp

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, load_sibling

BANNED = ["torch.autograd.functional.jacobian", "torch.autograd.functional.vjp", "torch.autograd.functional.jvp",
          "torch.func.jacrev", "torch.func.jacfwd", "torch.func.vjp"]
probes = load_sibling(__file__)


def rand(rng, *shape, device, requires_grad=False):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device).requires_grad_(requires_grad)


def test_square_grad_shapes(learner, device, rng):
    """square_grad gives 2x for a 0-d tensor, a vector and a matrix, whether or not x requires grad."""
    for shape, rg in (((), True), ((5,), False), ((3, 4), True)):
        x = rand(rng, *shape, device=device, requires_grad=rg)
        got = learner.probe("square_grad_twice", x)
        expect_close(got["first"], 2 * x.detach(), what=f"square_grad(x) for x of shape {shape}"
                     f"{'' if rg else ' without requires_grad'}")


def test_square_grad_does_not_accumulate(learner, device, rng):
    """Calling square_grad twice on the same x gives 2x both times and leaves x.grad None and x unchanged."""
    x = rand(rng, 4, device=device, requires_grad=True)
    got = learner.probe("square_grad_twice", x)
    expect_close(got["second"], 2 * x.detach(), what="the second call of square_grad on the same x "
                 "(.grad accumulates across backward calls)")
    if got["x_grad"] is not None:
        raise CheckFailure("square_grad wrote into the caller's x.grad: differentiate a detached copy, "
                           "or use torch.autograd.grad")
    if got["x_changed"]:
        raise CheckFailure("square_grad changed the values of x")


def test_vjp_matches_autograd(learner, device, rng):
    """vjp equals torch.autograd.functional.vjp for elementwise, softmax, outer-product, cumprod and scalar outputs."""
    A = rand(rng, 3, 4, device=device)
    for name, shape in (("square", (3, 2)), ("softmax", (2, 5)), ("outer", (3,)), ("cumprod", (2, 2)),
                        ("sum_sin", (4,)), ("matvec", (4,))):
        x = rand(rng, *shape, device=device)
        f = probes.function(name, A)
        out = f(x)
        v = rand(rng, *out.shape, device=device)
        _, want = torch_vjp(f, x, v)
        got = learner.probe("vjp", name, x, v, A=A)
        expect_close(got["value"], want, rtol=1e-10, atol=1e-12, what=f"vjp for {name} with x of shape {shape}")


def test_vjp_leaves_x_alone(learner, device, rng):
    """vjp works when x requires grad and does not write into x.grad."""
    x = rand(rng, 5, device=device, requires_grad=True)
    v = rand(rng, 5, device=device)
    got = learner.probe("vjp", "softmax", x, v)
    _, want = torch_vjp(probes.function("softmax"), x.detach(), v)
    expect_close(got["value"], want, rtol=1e-10, atol=1e-12, what="vjp for x with requires_grad=True")
    if got["x_grad"] is not None:
        raise CheckFailure("vjp wrote into x.grad: use torch.autograd.grad on a detached copy")


def test_jacobian_matches_autograd(learner, device, rng):
    """jacobian equals torch.autograd.functional.jacobian, shape f(x).shape + x.shape included."""
    A = rand(rng, 3, 4, device=device)
    for name, shape in (("softmax", (4,)), ("outer", (3,)), ("square", (2, 3)), ("cumprod", (4,)),
                        ("sum_sin", (2, 2)), ("matvec", (4,)), ("head_squared", (4,))):
        x = rand(rng, *shape, device=device)
        want = torch_jacobian(probes.function(name, A), x)
        got = learner.probe("jacobian", name, x, A=A)
        expect_close(got["value"], want, rtol=1e-10, atol=1e-12, what=f"jacobian for {name} with x of shape {shape}")


def test_jacobian_constant_and_grad_state(learner, device, rng):
    """A function that ignores x has a zero Jacobian; an x that requires grad keeps x.grad None."""
    x = rand(rng, 2, device=device, requires_grad=True)
    got = learner.probe("jacobian", "constant", x)
    expect_close(got["value"], torch.zeros(3, 2, dtype=torch.float64, device=device),
                 what="jacobian of a function whose output does not depend on x")
    got = learner.probe("jacobian", "softmax", x)
    expect_close(got["value"], torch_jacobian(probes.function("softmax"), x.detach()), rtol=1e-10, atol=1e-12,
                 what="jacobian of softmax for x with requires_grad=True")
    if got["x_grad"] is not None:
        raise CheckFailure("jacobian wrote into x.grad")


def test_no_functional_shortcuts(learner, source, device, rng):
    """vjp and jacobian are built on autograd.grad / backward yourself (no torch.autograd.functional, no torch.func)."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: build the products from torch.autograd.grad")
    x = rand(rng, 3, device=device)
    got = learner.probe("jacobian", "outer", x)
    expect_close(got["value"], torch_jacobian(probes.function("outer"), x), rtol=1e-10, atol=1e-12,
                 what="jacobian for the outer product")
