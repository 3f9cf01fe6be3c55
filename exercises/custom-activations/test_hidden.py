"""Hidden graders for custom-activations: random inputs per run, extremes, saved tensors, double backward."""

import ast

import torch

from grader.judge.checks import CheckFailure, banned_names_used, check_gradients, expect_close, expect_tensor

TORCH = {"Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU": torch.relu}
BANNED = ["torch.sigmoid", "torch.tanh", "torch.relu", "torch.nn.functional.sigmoid", "torch.nn.functional.tanh",
          "torch.nn.functional.relu", "torch.special.expit", "torch.nn.Sigmoid", "torch.nn.Tanh", "torch.nn.ReLU"]
BUILTIN_METHODS = {"sigmoid", "sigmoid_", "tanh", "tanh_", "relu", "relu_", "expit"}


def rand(rng, *shape, device, dtype=torch.float64, scale=3.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device, dtype)


def away_from_zero(x):
    return torch.where(x.abs() < 0.05, x + 0.1 * torch.sign(x + 1e-12), x)


def grad_of(learner, name, x, g):
    x = x.detach().requires_grad_(True)
    (got,) = torch.autograd.grad(learner.function(f"{name}.apply")(x), x, g)
    return got


def reference_grad(name, x, g):
    x = x.detach().requires_grad_(True)
    (want,) = torch.autograd.grad(TORCH[name](x), x, g)
    return want


def test_forward_matches_torch(learner, device, rng):
    """Forward values equal torch's in float64, for several shapes, tiny |x| and zeros included."""
    for name, ref in TORCH.items():
        for shape in ((7,), (3, 4), ()):
            x = rand(rng, *shape, device=device)
            expect_close(learner.call(f"{name}.apply", x), ref(x), rtol=1e-10, atol=1e-15,
                         what=f"{name}.apply(x) for x of shape {shape}")
        tiny = torch.cat([rand(rng, 5, device=device, scale=1e-6), torch.zeros(2, dtype=torch.float64, device=device)])
        expect_close(learner.call(f"{name}.apply", tiny), ref(tiny), rtol=1e-10, atol=1e-15,
                     what=f"{name}.apply(x) for |x| below 1e-5 and x = 0")


def test_backward_values(learner, device, rng):
    """backward gives the derivative times the incoming gradient: s(1-s), 1-t^2, and 0 or 1."""
    for name in TORCH:
        x = rand(rng, 12, device=device)
        g = rand(rng, 12, device=device, scale=1.0)
        expect_close(grad_of(learner, name, x, g), reference_grad(name, x, g), rtol=1e-10, atol=1e-15,
                     what=f"the gradient of {name}")


def test_relu_convention_at_zero(learner, device, rng):
    """ReLU's gradient is exactly 0 at x = 0 (and 1 for any x > 0, however small)."""
    x = torch.tensor([0.0, -0.0, 1e-300, -1e-300, 0.0], dtype=torch.float64, device=device)
    g = rand(rng, 5, device=device, scale=1.0)
    expect_close(grad_of(learner, "ReLU", x, g), reference_grad("ReLU", x, g), rtol=0.0, atol=0.0,
                 what="the gradient of ReLU at 0, -0 and +-1e-300")


def test_float32_extremes(learner, device):
    """At |x| up to 1000 in float32 the outputs and gradients are finite and equal torch's (no inf / inf)."""
    x = torch.tensor([-1000.0, -100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, 1000.0], device=device)
    g = torch.ones_like(x)
    for name, ref in TORCH.items():
        out = learner.call(f"{name}.apply", x)
        expect_close(out, ref(x), rtol=1e-5, atol=1e-6, what=f"{name}.apply(x) in float32 for |x| up to 1000")
        expect_close(grad_of(learner, name, x, g), reference_grad(name, x, g), rtol=1e-5, atol=1e-6,
                     what=f"the gradient of {name} in float32 for |x| up to 1000")


def test_gradcheck(learner, device, rng):
    """gradcheck passes in float64 for all three (ReLU away from its kink)."""
    for name in TORCH:
        x = away_from_zero(rand(rng, 6, device=device)).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (x,), what=name, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works for all three: each backward is built from differentiable operations."""
    for name in TORCH:
        x = away_from_zero(rand(rng, 5, device=device, scale=1.5)).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (x,), what=name, second_order=True, fast=True)


def test_sigmoid_and_tanh_save_their_output(learner, device, rng):
    """Sigmoid and Tanh save exactly one tensor, their output (not the input)."""
    for name in ("Sigmoid", "Tanh"):
        x = rand(rng, 6, device=device)
        got = learner.probe("saved_by", name, x)
        saved = got["saved"]
        if not isinstance(saved, list) or len(saved) != 1:
            raise CheckFailure(f"{name} must save exactly one tensor with ctx.save_for_backward (the output)",
                               f"it saved {len(saved) if isinstance(saved, list) else '?'}")
        expect_close(saved[0], TORCH[name](x), rtol=1e-10, atol=1e-15,
                     what=f"the tensor {name} saves for backward (it should be the output)")


def test_dtypes_shapes_layouts(learner, device, rng):
    """dtype and shape are kept (float16, bfloat16, float32, empty), and non-contiguous inputs work."""
    for dtype in (torch.float16, torch.bfloat16, torch.float32):
        x = rand(rng, 3, 2, device=device, dtype=dtype, scale=2.0)
        for name, ref in TORCH.items():
            out = learner.call(f"{name}.apply", x)
            expect_tensor(out, what=f"{name}.apply(x) in {dtype}", shape=(3, 2), dtype=dtype, device=device)
            expect_close(out.float(), ref(x.float()), rtol=2e-2, atol=1e-2, what=f"{name}.apply(x) in {dtype}")
    empty = torch.zeros(0, 3, dtype=torch.float64, device=device)
    for name in TORCH:
        expect_tensor(learner.call(f"{name}.apply", empty), what=f"{name}.apply of an empty tensor", shape=(0, 3),
                      dtype=torch.float64, device=device)
        x = rand(rng, 3, 4, device=device)
        got = learner.probe("layouts", name, x)
        expect_close(got["out"], TORCH[name](x), rtol=1e-10, atol=1e-15, what=f"{name} of a transposed input")
        expect_close(got["grad"], reference_grad(name, x, torch.ones_like(x)), rtol=1e-10, atol=1e-15,
                     what=f"the gradient of {name} for a transposed input")


def test_own_formulas(learner, source, device, rng):
    """The formulas are your own: no torch.sigmoid / tanh / relu (function, method, nn or F forms); and they work."""
    used = banned_names_used(source, BANNED)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        used += sorted({f".{n.attr}" for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                        and n.attr in BUILTIN_METHODS})
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the activation formulas yourself")
    x = rand(rng, 8, device=device)
    for name, ref in TORCH.items():
        expect_close(learner.call(f"{name}.apply", x), ref(x), rtol=1e-10, atol=1e-15, what=f"{name}.apply(x)")
