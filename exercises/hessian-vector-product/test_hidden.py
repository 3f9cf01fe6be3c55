"""Hidden graders for hessian-vector-product: random points and vectors per run, compared with torch.autograd.functional."""

import torch
from torch.autograd.functional import hessian as torch_hessian
from torch.autograd.functional import hvp as torch_hvp

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, load_sibling

probes = load_sibling(__file__)
BANNED = ["torch.autograd.functional.hessian", "torch.autograd.functional.hvp", "torch.autograd.functional.vhp",
          "torch.func.hessian", "torch.func.jacfwd", "torch.func.jacrev", "torch.autograd.functional.jacobian"]
CASES = (("rosenbrock", (5,)), ("logsumexp", (6,)), ("cubic", (2, 3)), ("softplus", (4,)), ("quadratic", (4,)))


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def sym(rng, n, device):
    B = rand(rng, n, n, device=device)
    return B + B.T


def compare_hvp(learner, which, rng, device):
    for name, shape in CASES:
        A = sym(rng, 4, device)
        x, v = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
        _, want = torch_hvp(probes.function(name, A), x, v)
        got = learner.probe("run", which, name, x, v, A=A)
        expect_close(got["value"], want, rtol=1e-9, atol=1e-10, what=f"{which} for {name} at x of shape {shape}")


def test_hvp_matches_autograd(learner, device, rng):
    """hvp (double backward) equals torch.autograd.functional.hvp for five functions, a matrix-shaped x included."""
    compare_hvp(learner, "hvp", rng, device)


def test_hessian_matches_autograd(learner, device, rng):
    """hessian equals torch.autograd.functional.hessian, shape x.shape + x.shape."""
    for name, shape in CASES:
        A = sym(rng, 4, device)
        x = rand(rng, *shape, device=device)
        want = torch_hessian(probes.function(name, A), x)
        got = learner.probe("run", "hessian", name, x, A=A)
        expect_close(got["value"], want, rtol=1e-9, atol=1e-10, what=f"hessian for {name} at x of shape {shape}")


def test_linear_function_has_zero_hessian(learner, device, rng):
    """For a linear f the gradient is constant: hvp and hessian are zeros (not an error)."""
    x, v = rand(rng, 3, device=device), rand(rng, 3, device=device)
    expect_close(learner.probe("run", "hvp", "linear", x, v)["value"], torch.zeros(3, dtype=torch.float64, device=device),
                 what="hvp of a linear function")
    expect_close(learner.probe("run", "hessian", "linear", x)["value"],
                 torch.zeros(3, 3, dtype=torch.float64, device=device), what="hessian of a linear function")


def test_leaves_x_alone(learner, device, rng):
    """With x requiring grad, hvp and hessian leave x.grad None and are still right."""
    x = rand(rng, 4, device=device).requires_grad_()
    v = rand(rng, 4, device=device)
    got = learner.probe("run", "hvp", "softplus", x, v)
    _, want = torch_hvp(probes.function("softplus"), x.detach(), v)
    expect_close(got["value"], want, rtol=1e-9, atol=1e-10, what="hvp for x with requires_grad=True")
    if got["x_grad"] is not None or learner.probe("run", "hessian", "cubic", x)["x_grad"] is not None:
        raise CheckFailure("x.grad was written: use torch.autograd.grad on a detached copy, not backward()")


def test_no_hessian_shortcuts(learner, source, device, rng):
    """No torch.autograd.functional.hessian / hvp / vhp / jacobian and no torch.func.hessian / jacfwd / jacrev (and it works)."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: build the products from torch.autograd.grad")
    x = rand(rng, 3, device=device)
    expect_close(learner.probe("run", "hessian", "rosenbrock", x)["value"],
                 torch_hessian(probes.function("rosenbrock"), x), rtol=1e-9, atol=1e-10, what="hessian of rosenbrock")
