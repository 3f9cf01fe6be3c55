"""Hidden graders for higher-order-grad: random points per run, closed-form derivatives, chains past a polynomial's
degree (where autograd stops tracking or gives None), x's state afterwards."""

import math

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling, summarize

probes = load_sibling(__file__)


def analytic(name, x, n):
    """The n-th derivative in closed form (the judge's reference)."""
    one = torch.ones_like(x)
    polys = {"cube": [x ** 3, 3 * x ** 2, 6 * x, 6 * one], "quartic": [x ** 4 - 2 * x, 4 * x ** 3 - 2, 12 * x ** 2,
                                                                       24 * x, 24 * one],
             "linear": [3 * x + 1, 3 * one], "square": [x * x, 2 * x, 2 * one], "param_linear": [2 * x + 4, 2 * one],
             "const": [2.5 * one], "identity": [x, one]}
    if name in polys:
        forms = polys[name]
        return forms[n] if n < len(forms) else torch.zeros_like(x)
    if name == "sin":
        return torch.sin(x + n * math.pi / 2)
    if name == "x_exp":
        return (x + n) * torch.exp(x)
    if name == "tanh" and n == 0:
        return torch.tanh(x)
    raise KeyError(name)


def rand(rng, *shape, device, dtype=torch.float64, requires_grad=True):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device, dtype).requires_grad_(requires_grad)


def derivative(learner, name, x, n, **kw):
    """What the derivative probe returned, with "before": x's state before the call, from the judge's own copy."""
    got = learner.probe("derivative", name, x, n, **kw)
    if not isinstance(got, dict):
        raise CheckFailure(f"nth_derivative could not be run for derivative {n} of {name}", f"received {summarize(got)}")
    mine = x.detach().clone().requires_grad_(x.requires_grad)
    return {**got, "before": probes.state(probes.prepared(mine, kw.get("preset_grad"), kw.get("nonleaf", False)))}


def test_matches_analytic_derivatives(learner, device, rng):
    """Derivatives 1 to 4 of x**3, x**4 - 2x, sin and x*exp(x) match their closed forms."""
    for name in ("cube", "quartic", "sin", "x_exp"):
        x = rand(rng, 5, device=device)
        for n in (1, 2, 3, 4):
            out = derivative(learner, name, x, n)
            expect_close(out["value"], analytic(name, x.detach(), n), rtol=1e-9, atol=1e-9,
                         what=f"derivative {n} of {name}")


def test_zeroth_derivative_is_f(learner, device, rng):
    """n = 0 returns f(x) itself, whether or not x requires grad."""
    for requires_grad in (True, False):
        x = rand(rng, 4, device=device, requires_grad=requires_grad)
        expect_close(derivative(learner, "tanh", x, 0)["value"], torch.tanh(x.detach()),
                     what=f"nth_derivative(torch.tanh, x, 0){'' if requires_grad else ' for x without requires_grad'}")


def test_beyond_the_degree_is_zero(learner, device, rng):
    """Past a polynomial's degree the derivative is zeros of x's shape and dtype: once a derivative stops requiring
    grad (3x + 1, x * x), and once autograd finds it no longer depends on x at all (x * w + w^2 for a parameter w:
    the first derivative is w); a constant f (a tensor that never required grad) from the first derivative on; and
    f(x) = x, which returns x itself (a leaf that requires grad but has no grad_fn): its first derivative is ones."""
    for name, degree in (("cube", 3), ("linear", 1), ("square", 2), ("param_linear", 1), ("const", 0),
                         ("identity", 1)):
        for dtype in (torch.float64, torch.float32, torch.bfloat16):  # any dtype, half precision included
            x = rand(rng, 3, device=device, dtype=dtype)
            for n in range(1, degree + 3):
                out = derivative(learner, name, x, n)
                if dtype == torch.bfloat16:
                    expect_half(out["value"], x, analytic(name, x.detach().double(), n), f"derivative {n} of {name} "
                                "(bfloat16)")
                    continue
                want = analytic(name, x.detach(), n)
                expect_tensor(out["value"], what=f"derivative {n} of {name} ({dtype})", shape=(3,), dtype=dtype,
                              device=device)
                expect_close(out["value"], want, rtol=1e-6, atol=1e-6, what=f"derivative {n} of {name} ({dtype})")


def expect_half(value, x, want, what):
    """A derivative at a half-precision x: x's dtype exactly (and its shape and device), the values compared in float64
    with the closed form at the same (rounded) points, loosely (bfloat16 keeps 8 significant bits)."""
    kit.expect_half(value, want, what=what, dtype=x.dtype, rtol=3e-2, atol=3e-2,
                    hint="the derivative has x's dtype whatever it is, bfloat16 and float16 included: make zeros "
                         "with torch.zeros_like(x), not with a default dtype or a choice between float32 and float64")


def test_stays_differentiable(learner, device, rng):
    """The result is still part of the graph: differentiating it once more gives the next derivative. Also where the
    derivative's value happens to be exactly zero at every point but still depends on x (sin'' at x = 0, the first
    derivative of x * exp(x) at x = -1), and for an x that is itself a non-leaf tensor requiring grad."""
    cases = [(name, n, rand(rng, 4, device=device), False)
             for name, n in (("sin", 2), ("x_exp", 1), ("quartic", 2), ("cube", 1), ("sin", 0))]
    cases += [("sin", 2, torch.zeros(4, dtype=torch.float64, device=device).requires_grad_(), False),
              ("x_exp", 1, torch.full((3,), -1.0, dtype=torch.float64, device=device).requires_grad_(), False),
              ("sin", 2, rand(rng, 4, device=device), True), ("x_exp", 1, rand(rng, 3, device=device), True)]
    for name, n, x, nonleaf in cases:
        out = derivative(learner, name, x, n, nonleaf=nonleaf)
        shown = f"derivative {n} of {name}" + (" for a non-leaf x" if nonleaf else "") + \
            (" at points where its value is exactly 0" if not bool(analytic(name, x.detach(), n).ne(0).any()) else "")
        if not out["requires_grad"] or out["next"] is None:
            raise CheckFailure(f"the {shown} does not require grad: build each derivative with create_graph=True "
                               "on x itself, do not detach it, and do not replace it by constant zeros while it "
                               "still depends on x")
        want = analytic(name, x.detach(), n + 1)
        got = out["next"]
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not bool(got.ne(0).any()) and \
                bool(want.ne(0).any()):  # why: a result built on a detached copy of x says only "wrong values"
            raise CheckFailure(f"the {shown} requires grad, but its gradient with respect to x is zero: it is not "
                               "connected to the caller's x (a derivative taken with respect to a detached copy, or a "
                               "result kept from an earlier call on another x, is differentiable only with respect to "
                               "that tensor); when x requires grad, differentiate x itself, at every call")
        expect_close(got, want, rtol=1e-9, atol=1e-9, what=f"the gradient of the {shown}")


def _left_alone(out, what):
    before, after = out["before"], out.get("after")  # before: the judge's own (see derivative)
    if not isinstance(after, dict) or not isinstance(after.get("values"), torch.Tensor) or not torch.equal(after["values"], before["values"]):
        raise CheckFailure(f"{what} changed the values of x")
    if after["requires_grad"] != before["requires_grad"]:
        raise CheckFailure(f"{what} changed x.requires_grad from {before['requires_grad']} to {after['requires_grad']}: "
                           "differentiate a detached copy instead of switching it on for the caller's x")
    b, a = before["grad"], after["grad"]
    if (a is None) != (b is None) or (a is not None and not torch.equal(a, b)):
        raise CheckFailure(f"{what} changed x.grad ({'None' if b is None else 'a set gradient'} before): "
                           "backward() accumulates there, and clearing it erases the caller's gradient; "
                           "use torch.autograd.grad")


def test_leaves_x_grad_alone(learner, device, rng):
    """x.grad is untouched: still None afterwards, or still the gradient the caller had left there. Called inside the
    caller's torch.no_grad(), grad mode is still off when it returns (or raises) and x is left alone there too; what
    it answers there is not graded (the task does not say)."""
    x = rand(rng, 3, device=device)
    _left_alone(derivative(learner, "sin", x, 2), "nth_derivative")
    x = rand(rng, 3, device=device)
    out = derivative(learner, "x_exp", x, 2, outer_no_grad=True)
    if out.get("grad_mode_after") is not False:
        raise CheckFailure("nth_derivative, called inside torch.no_grad(), returned (or raised) with grad mode on: the caller's "
                           "setting must be as it was. Switch it on only inside a `with torch.enable_grad():` block "
                           "(torch.set_grad_enabled(True) stays on after the call)")
    _left_alone(out, "nth_derivative (called inside torch.no_grad())")
    x = rand(rng, 3, device=device)
    preset = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, device=device)
    _left_alone(derivative(learner, "cube", x, 2, preset_grad=preset), "nth_derivative (with x.grad already set)")


def test_input_without_grad(learner, device, rng):
    """It works when x does not require grad, and leaves x not requiring grad; the result keeps x's dtype there too
    (float32 included). x's requires_grad is as it was also when f raises (x with and without requires_grad)."""
    for name, n, dtype in (("x_exp", 2, torch.float64), ("cube", 4, torch.float64), ("sin", 1, torch.float64),
                           ("sin", 2, torch.float32), ("cube", 0, torch.float32)):
        x = rand(rng, 4, device=device, dtype=dtype, requires_grad=False)
        out = derivative(learner, name, x, n)
        expect_tensor(out["value"], what=f"derivative {n} of {name} for a {dtype} x without requires_grad",
                      shape=(4,), dtype=dtype, device=device)
        tol = 1e-9 if dtype == torch.float64 else 1e-5
        expect_close(out["value"], analytic(name, x, n), rtol=tol, atol=tol,
                     what=f"derivative {n} of {name} for a {dtype} x without requires_grad")
        _left_alone(out, "nth_derivative (x without requires_grad)")
    # after the plain calls: an f that raises must not leave requires_grad switched on either
    for requires_grad in (False, True):
        x = rand(rng, 3, device=device, requires_grad=requires_grad)
        got = learner.probe("derivative_when_f_raises", x, 2)
        if not isinstance(got, dict):
            raise CheckFailure("nth_derivative could not be run with an f that raises", f"received {summarize(got)}")
        before = probes.state(x.detach().clone().requires_grad_(requires_grad))
        _left_alone({"before": before, "after": got.get("after")},
                    f"nth_derivative, when f raises ValueError (x {'with' if requires_grad else 'without'} "
                    "requires_grad)")


def test_shape_and_dtype(learner, device, rng):
    """The result has x's shape and dtype: a 0-d tensor, a matrix, float32 and bfloat16."""
    for shape, dtype in (((), torch.float64), ((2, 3), torch.float64), ((4,), torch.float32)):
        x = rand(rng, *shape, device=device, dtype=dtype)
        out = derivative(learner, "sin", x, 2)
        expect_tensor(out["value"], what=f"derivative 2 of sin for x of shape {shape} and {dtype}", shape=shape,
                      dtype=dtype, device=device)
        expect_close(out["value"], analytic("sin", x.detach(), 2), what=f"derivative 2 of sin ({dtype})")
    x = rand(rng, 2, 3, device=device, dtype=torch.bfloat16)
    expect_half(derivative(learner, "sin", x, 2)["value"], x, analytic("sin", x.detach().double(), 2),
                "derivative 2 of sin for x of shape (2, 3) and torch.bfloat16")
