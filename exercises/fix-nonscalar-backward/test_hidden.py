"""Hidden graders for fix-nonscalar-backward: random points and vectors per run, compared with
torch.autograd.functional in the judge; x's state around every call; outputs that do not depend on x."""

import torch
from torch.autograd.functional import jacobian as torch_jacobian
from torch.autograd.functional import vjp as torch_vjp

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling, summarize

probes = load_sibling(__file__)
TOL = dict(rtol=1e-10, atol=1e-12)


def rand(rng, *shape, device, requires_grad=False, dtype=torch.float64):
    return kit.adversarial(rng, shape, device=device, dtype=dtype).requires_grad_(requires_grad)


def probe(learner, name, *args, **kwargs):
    got = learner.probe(name, *args, **kwargs)
    if not isinstance(got, dict):
        raise CheckFailure(f"{name.split('_twice')[0]} could not be run", f"received {summarize(got)}")
    return got


def left_alone(got, what, x, grad=None):
    """x after the call has the values, requires_grad and .grad (None, or the one the caller had set) that the judge
    sent: compared with the judge's own x, never with the worker's report of "before" (the learner's to forge)."""
    after = got["after"] if isinstance(got.get("after"), dict) else {}
    if not isinstance(after.get("values"), torch.Tensor) or not torch.equal(after["values"], x.detach()):
        raise CheckFailure(f"{what} changed the values of x")
    if after.get("requires_grad") is not x.requires_grad:
        raise CheckFailure(f"{what} changed x.requires_grad from {x.requires_grad} to "
                           f"{after.get('requires_grad')}: differentiate a detached copy instead")
    a = after.get("grad")
    if (a is None) != (grad is None) or (a is not None and not (isinstance(a, torch.Tensor) and torch.equal(a, grad))):
        raise CheckFailure(f"{what} wrote into the caller's x.grad (.grad accumulates across backward calls): "
                           "differentiate a detached copy, or use torch.autograd.grad")


def stays_no_grad(learner, target, *args, **kwargs):
    """Called inside a caller's torch.no_grad() block, target leaves grad mode off (the settings are the caller's)."""
    if learner.probe("grad_mode_after_no_grad", target, *args, **kwargs) is not False:
        raise CheckFailure(f"{target} called inside torch.no_grad() left grad mode on after it: the caller's no_grad "
                           "block no longer holds for the code after the call",
                           "use with torch.enable_grad(): around the code that needs a graph (it puts the caller's "
                           "mode back), not torch.set_grad_enabled(True)")


def test_square_grad_shapes(learner, device, rng):
    """square_grad gives 2x, with x's shape and dtype, for a 0-d tensor, a vector, a matrix, an empty tensor, float32
    and bfloat16, whether or not x requires grad; float64 values to float64 precision (1e-10: computed in x's dtype,
    not rounded through float32), planted values that float32 cannot hold (0.1, 12345.678901) included."""
    for shape, rg, dtype in (((), True, torch.float64), ((5,), False, torch.float64), ((3, 4), True, torch.float64),
                             ((0, 2), True, torch.float64), ((4,), False, torch.float32), ((6,), True, torch.float64),
                             ((5,), True, torch.bfloat16)):
        x = rand(rng, *shape, device=device, requires_grad=rg, dtype=dtype)
        if shape == (6,):
            with torch.no_grad():
                x[:2] = torch.tensor([0.1, -12345.678901], dtype=dtype, device=device)
        got = probe(learner, "square_grad_twice", x)
        tol = TOL if dtype == torch.float64 else {}
        precision = (" (float64 precision: compute in x's dtype, not through float32)" if tol else
                     " (the gradient has x's dtype whatever it is, half precision included: differentiate a detached "
                     "copy of x itself, not a float32 or float64 copy)" if dtype == torch.bfloat16 else "")
        expect_close(got["first"], 2 * x.detach(), **tol, what=f"square_grad(x) for x of shape {shape} ({dtype})"
                     f"{'' if rg else ' without requires_grad'}{precision}")


def test_square_grad_does_not_accumulate(learner, device, rng):
    """Calling square_grad twice on the same x gives 2x both times and leaves x as it was: values, requires_grad and
    .grad (None, or a gradient the caller had left there), for a leaf and for an intermediate of the caller's graph;
    after the caller changes x in place, the next call gives 2x at the new values, and the first call's result still
    holds 2x at the old ones (a new tensor per call, not a buffer the next call overwrites); called inside a caller's
    no_grad block, it leaves grad mode off."""
    cases = ((dict(), "a leaf x"), (dict(preset_grad=torch.full((4,), 7.0, dtype=torch.float64, device=device)),
                                    "a leaf x whose .grad is already set"),
             (dict(non_leaf=True), "an x computed from the caller's own leaf"), (dict(), "an x without requires_grad"))
    for k, (kw, label) in enumerate(cases):
        x = rand(rng, 4, device=device, requires_grad=k < 3)
        got = probe(learner, "square_grad_twice", x, **kw)
        expect_close(got["first"], 2 * x.detach(), **TOL, what=f"the first call of square_grad on {label}")
        expect_close(got["second"], 2 * x.detach(), **TOL, what=f"the second call of square_grad on {label} "
                     "(.grad accumulates across backward calls)")
        left_alone(got, f"square_grad (on {label})", x, kw.get("preset_grad"))
    stays_no_grad(learner, "square_grad", rand(rng, 4, device=device, requires_grad=True))
    # the same tensor object with new values (a parameter after a step): a result cached by id(x), data_ptr or the
    # tensor object gives the old gradient back
    for requires_grad in (True, False):
        x = rand(rng, 4, device=device, requires_grad=requires_grad)
        delta = rand(rng, 4, device=device) + 0.5
        got = learner.probe("square_grad_changed", x, delta)
        if not isinstance(got, dict):
            raise CheckFailure("square_grad could not be run twice around an in-place change of x",
                               f"received {summarize(got)}")
        changed = x.detach() + delta
        expect_close(got["first"], 2 * x.detach(), **TOL, what="square_grad(x) before x is changed in place")
        expect_close(got.get("first_later"), 2 * x.detach(), **TOL,
                     what=f"the tensor the first square_grad(x) call returned, read again after a second call on x "
                     f"changed in place (requires_grad={requires_grad}): each call returns a new tensor, never a "
                     "buffer kept between calls that the next call writes into")
        expect_close(got["second"], 2 * changed, **TOL,
                     what=f"square_grad(x) on the same tensor object after its values changed in place (x += delta, "
                     f"requires_grad={requires_grad}): the gradient at the new values, 2 * x; compute it at every call "
                     "and cache nothing keyed by the tensor object, id(x) or its storage")


def test_vjp_matches_autograd(learner, device, rng):
    """vjp equals torch.autograd.functional.vjp for elementwise, softmax, outer-product, cumprod, matrix-vector,
    scalar outputs and a 0-d x, with zero and negative entries in v."""
    A = rand(rng, 3, 4, device=device)
    for name, shape in (("square", (3, 2)), ("softmax", (2, 5)), ("outer", (3,)), ("cumprod", (2, 2)),
                        ("sum_sin", (4,)), ("matvec", (4,)), ("scale_0d", ())):
        x = rand(rng, *shape, device=device)
        f = probes.function(name, A)
        v = rand(rng, *f(x).shape, device=device)
        _, want = torch_vjp(f, x, v)
        got = probe(learner, "vjp", name, x, v, A=A)
        expect_close(got["value"], want, **TOL, what=f"vjp for {name} with x of shape {shape}")


def test_vjp_leaves_x_alone(learner, device, rng):
    """vjp works whether or not x requires grad, leaves x as it was (.grad included, also one the caller had set),
    and gives zeros for a function whose output does not depend on x (a constant, or one that depends only on a
    parameter); called inside a caller's no_grad block, it leaves grad mode off."""
    stays_no_grad(learner, "vjp", rand(rng, 5, device=device), fn="softmax", v=rand(rng, 5, device=device))
    for requires_grad in (True, False):
        x = rand(rng, 5, device=device, requires_grad=requires_grad)
        v = rand(rng, 5, device=device)
        got = probe(learner, "vjp", "softmax", x, v)
        _, want = torch_vjp(probes.function("softmax"), x.detach(), v)
        expect_close(got["value"], want, **TOL, what=f"vjp for x with requires_grad={requires_grad}")
        left_alone(got, f"vjp (x with requires_grad={requires_grad})", x)
    x = rand(rng, 5, device=device, requires_grad=True)
    v = rand(rng, 5, device=device)
    preset = torch.full((5,), 7.0, dtype=torch.float64, device=device)
    got = probe(learner, "vjp", "softmax", x, v, preset_grad=preset)
    _, want = torch_vjp(probes.function("softmax"), x.detach(), v)
    expect_close(got["value"], want, **TOL, what="vjp for a leaf x whose .grad is already set")
    left_alone(got, "vjp (on a leaf x whose .grad is already set)", x, preset)
    for name, x_shape, out_shape in (("constant", (2,), (3,)), ("param_only", (2,), (3,)),
                                     ("constant_grid", (3, 2), (2, 2)), ("param_only", (2, 3), (3,))):
        x = rand(rng, *x_shape, device=device, requires_grad=True)
        got = probe(learner, "vjp", name, x, rand(rng, *out_shape, device=device))
        expect_close(got["value"], torch.zeros(x_shape, dtype=torch.float64, device=device),
                     what=f"vjp of a function whose output does not depend on x ({name}, x of shape {x_shape}): "
                     "zeros of x's shape")
        left_alone(got, f"vjp ({name})", x)


def test_jacobian_matches_autograd(learner, device, rng):
    """jacobian equals torch.autograd.functional.jacobian, shape f(x).shape + x.shape included (scalar outputs, a
    0-d x and a non-contiguous output, a transposed view that y.view(-1) cannot flatten, too)."""
    A = rand(rng, 3, 4, device=device)
    seen: list[tuple[str, tuple[int, ...]]] = []
    for name, shape in (("softmax", (4,)), ("outer", (3,)), ("square", (2, 3)), ("cumprod", (4,)),
                        ("sum_sin", (2, 2)), ("matvec", (4,)), ("head_squared", (4,)), ("scale_0d", ()),
                        ("transposed_square", (2, 3))):
        x = rand(rng, *shape, device=device)
        want = torch_jacobian(probes.function(name, A), x)
        got = probe(learner, "jacobian", name, x, A=A)
        # why: where an earlier function had an x of this shape, a Jacobian remembered by shape is the likeliest cause
        again = [n for n, s in seen if s == shape]
        hint = (f" (an earlier call, for {again[0]}, had an x of the same shape: compute each call's Jacobian afresh, "
                "keeping nothing between calls)") if again else ""
        expect_close(got["value"], want, **TOL, what=f"jacobian for {name} with x of shape {shape}{hint}")
        seen.append((name, shape))


def test_jacobian_constant_and_grad_state(learner, device, rng):
    """A function whose output does not depend on x (a constant, or one that depends only on a parameter) has a zero
    Jacobian of shape f(x).shape + x.shape, an output with no elements an empty one of that shape; x is left as it
    was (.grad included, also one the caller had set), whether or not it requires grad; called inside a caller's
    no_grad block, jacobian leaves grad mode off."""
    stays_no_grad(learner, "jacobian", rand(rng, 3, device=device), fn="softmax")
    # multi-dimensional x and outputs too: a flat (f(x).numel(), x.numel()) answer only fits 1-D shapes
    for name, x_shape, out_shape in (("constant", (2,), (3,)), ("param_only", (2,), (3,)),
                                     ("constant_grid", (3, 2), (2, 2)), ("param_only", (2, 3), (3,))):
        x = rand(rng, *x_shape, device=device, requires_grad=True)
        got = probe(learner, "jacobian", name, x)
        expect_close(got["value"], torch.zeros(out_shape + x_shape, dtype=torch.float64, device=device),
                     what=f"jacobian of a function whose output does not depend on x ({name}, x of shape {x_shape}, "
                     f"f(x) of shape {out_shape}): zeros of shape f(x).shape + x.shape = {out_shape + x_shape}")
        left_alone(got, f"jacobian ({name})", x)
    # outputs with no elements: shape (0,) and shape (6, 0), whose Jacobian is (6, 0) + x.shape, not (0,) + x.shape
    for name, out_shape in (("empty_output", (0,)), ("empty_rows", (6, 0))):
        x = rand(rng, 2, 3, device=device)
        got = probe(learner, "jacobian", name, x)
        expect_close(got["value"], torch.zeros(out_shape + (2, 3), dtype=torch.float64, device=device),
                     what=f"jacobian of a function whose output has no elements (f(x) of shape {out_shape}): an "
                     f"empty tensor of shape f(x).shape + x.shape = {out_shape + (2, 3)}")
    for requires_grad in (True, False):
        x = rand(rng, 3, device=device, requires_grad=requires_grad)
        got = probe(learner, "jacobian", "softmax", x)
        expect_close(got["value"], torch_jacobian(probes.function("softmax"), x.detach()), **TOL,
                     what=f"jacobian of softmax for x with requires_grad={requires_grad}")
        left_alone(got, f"jacobian (x with requires_grad={requires_grad})", x)
    x = rand(rng, 3, device=device, requires_grad=True)
    preset = torch.full((3,), 7.0, dtype=torch.float64, device=device)
    got = probe(learner, "jacobian", "softmax", x, preset_grad=preset)
    expect_close(got["value"], torch_jacobian(probes.function("softmax"), x.detach()), **TOL,
                 what="jacobian of softmax for a leaf x whose .grad is already set")
    left_alone(got, "jacobian (on a leaf x whose .grad is already set)", x, preset)
