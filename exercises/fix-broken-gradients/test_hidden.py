"""Hidden graders for fix-broken-gradients: values and vector-Jacobian products against the true functions."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close

TRUE = {
    "unit_vector": lambda x: x / x.norm(),
    "double_sigmoid": lambda x: torch.sigmoid(x) * 2,
    "positive_tanh": lambda x: torch.tanh(x).clamp(min=0),
    "square_via_numpy": lambda x: x ** 2,
}


def rand(rng, device, shape=(6,)):
    x = torch.randn(shape, generator=rng, dtype=torch.float64) * 2
    x[x.abs() < 1e-3] = 0.5  # keep away from tanh's kink at 0
    return x.to(device)


def tiny_norm(rng, device, shape):
    """Random directions scaled to a norm in [1e-6, 2e-6]: the exact x / x.norm() is still a unit vector, while
    an eps added under the square root (sqrt(sum x^2 + 1e-12), + 1e-8, ...) changes it by over 10%."""
    x = rand(rng, device, shape)
    scale = 1e-6 * (1 + float(torch.rand((), generator=rng, dtype=torch.float64)))
    return x / x.norm() * scale


def tails(rng, device, shape):
    """Entries with |x| in [720, 760], both signs (exp(-x) or exp(x) overflows float64 there), next to ordinary
    ones: a sigmoid written by hand (2 / (1 + exp(-x)), exp(x) / (1 + exp(x))) gives nan values or gradients."""
    x = rand(rng, device, shape).reshape(-1)
    far = 720 + 40 * torch.rand(x.numel(), generator=rng, dtype=torch.float64).to(device)
    sign = torch.where(torch.arange(x.numel(), device=device) % 2 == 0, -1.0, 1.0).to(torch.float64)
    x[: 2 * (x.numel() // 3)] = (sign * far)[: 2 * (x.numel() // 3)]
    return x.reshape(shape)


def mid_float32(rng, shape, low, high):
    """float64 values halfway between two neighbouring float32 numbers, |x| in [low, high], both signs: rounding
    them to float32 moves each by half a float32 step (a relative 3e-8 to 6e-8)."""
    mag = low + (high - low) * torch.rand(shape, generator=rng, dtype=torch.float64)
    sign = torch.where(torch.rand(shape, generator=rng) < 0.5, -1.0, 1.0).to(torch.float64)
    r32 = (sign * mag).float()
    return (r32.double() + torch.nextafter(r32, torch.full_like(r32, float("inf"))).double()) / 2


def f32(t):
    """The nearest float32 value, back in float64."""
    return t.float().double()


# the tolerance of the float64 case: float64 arithmetic in any order is within ~1e-15 of torch's, float32 rounding
# anywhere is 1e-8 or more away; atol is sized from the scale of the values (of v times the Jacobian for gradients)
F64_RTOL = 1e-11


def float64_case(rng, name, shape):
    """(x, v, value atol, gradient atol): x and v halfway between float32 numbers, redrawn until every float32 route
    computed here lands 10 tolerances or more away from the true value or gradient: input or incoming gradient rounded
    to float32 (the rest in float64), any result that is a float32 number, for unit_vector a norm rounded to float32
    or taken of a float32 copy. So a verdict never rests on a lucky draw."""
    f = TRUE[name]

    def far(w, ref, atol):
        return bool(((w - ref).abs() > 10 * (atol + F64_RTOL * ref.abs())).any())

    def vjp(x, v):
        x = x.clone().requires_grad_()
        return torch.autograd.grad(f(x), x, v)[0]

    for _ in range(1000):
        x, v = mid_float32(rng, shape, 0.5, 3.0), mid_float32(rng, shape, 0.5, 2.0)
        y, g = f(x), vjp(x, v)
        jac = torch.autograd.functional.jacobian(f, x).abs().max()
        y_atol, g_atol = F64_RTOL * float(y.abs().max()), F64_RTOL * float(v.abs().max() * jac)
        values = [f(f32(x)), f32(y)]
        if name == "unit_vector":
            values += [x / f32(x.norm()), x / f32(x).norm(), f32(x) / f32(x.norm())]
        grads = [vjp(f32(x), v), vjp(x, f32(v)), vjp(f32(x), f32(v)), f32(g)]
        if all(far(w, y, y_atol) for w in values) and all(far(w, g, g_atol) for w in grads):
            return x, v, y_atol, g_atol
    raise RuntimeError("no separating float64 case found")  # never happens: about half of the draws separate


# inputs beyond ordinary values, for the functions whose formula makes them matter
EXTRA = {"unit_vector": (tiny_norm, "an x of norm about 1e-6 (x / x.norm() exactly: no eps)"),
         "double_sigmoid": (tails, "entries with |x| above 700 (the true gradient there is finite, about 0, not nan)"),
         "positive_tanh": (tails, "entries with |x| above 700 (the true gradient there is finite, about 0, not nan)")}


@pytest.mark.parametrize("name", list(TRUE))
def test_function(learner, device, rng, name):
    """One fixed function: the same values, and the true gradient for a random incoming gradient; for unit_vector
    also an x of tiny norm (the formula is x / x.norm(), with no eps), for double_sigmoid and positive_tanh also
    entries far in the tails, |x| > 700, where exp overflows (values and gradients must stay finite and right). Last,
    for every function, a float64 x and incoming gradient whose entries float32 cannot hold, checked to 1e-11: the
    task keeps x's dtype, so a float32 (or NumPy float32) copy of x, of an intermediate such as the norm, of the
    incoming gradient or of the result, in the forward or a custom backward, is off by 1e-8 or more there."""
    fn = learner.function(name)
    # the shape in every message: a 2-D x is where a per-row or per-column norm (dim=-1, F.normalize's dim=1) shows
    cases = [(rand(rng, device, shape), f" for an x of shape {shape}") for shape in ((6,), (2, 3))]
    if name in EXTRA:
        make, where = EXTRA[name]
        cases += [(make(rng, device, shape), f" for {where}, of shape {shape}") for shape in ((6,), (2, 3))]
    cases = [(x, where, None) for x, where in cases]
    for shape in ((6,), (2, 3)):
        x, v, y_atol, g_atol = float64_case(rng, name, shape)
        cases.append((x.to(device), " for an x whose entries float32 cannot hold (compute in float64 throughout: "
                      "no float32 or NumPy float32 copy of x, of an intermediate or of the gradient)",
                      (v.to(device), y_atol, g_atol)))
    for x, where, exact in cases:
        x = x.requires_grad_()
        out = fn(x)
        want = TRUE[name](x)
        tol = {} if exact is None else {"rtol": F64_RTOL, "atol": exact[1]}
        expect_close(out, want.detach(), what=f"{name}(x){where}", **tol)
        v = torch.randn(out.shape, generator=rng, dtype=torch.float64).to(device) if exact is None else exact[0]
        try:
            (got,) = torch.autograd.grad(out, x, v)
        except RuntimeError as e:
            raise CheckFailure(f"back-propagating through {name} fails{where}", str(e).splitlines()[0]) from None
        (ref,) = torch.autograd.grad(want, x, v)
        tol = {} if exact is None else {"rtol": F64_RTOL, "atol": exact[2]}
        expect_close(got, ref, what=f"the gradient of {name}{where}", **tol)


def test_two_gradients(learner, device, rng):
    """two_gradients returns (exp(x), 2 exp(2x)), the gradients of both losses, the same when called again on the same
    x, and leaves x.grad None. Then on an x whose .grad the caller already set: the same gradients (x.grad plays no
    part in them), and x.grad left exactly as it was (not accumulated into, not reset to None). Then, after x's
    values were changed in place (as an optimizer step does), a call gives the gradients at the new values (an
    answer remembered from an earlier call, keyed by the tensor, is stale). Also an x in [-22, -18] whose .grad is about
    1e4: the gradients to 1e-9 relative (no accumulate-then-subtract)."""
    x = rand(rng, device)
    preset = torch.randn(x.shape, generator=rng, dtype=torch.float64).to(device) + 3.0
    for grad in (None, preset):
        got = learner.probe("two_gradients", x, 2, grad)
        before = "" if grad is None else ", on an x whose .grad was already set"
        for k, answer in enumerate(got["answers"]):
            call = ("the first call" if k == 0 else "a second call on the same x") + before
            if not isinstance(answer, list) or len(answer) != 2:
                raise CheckFailure(f"two_gradients must return a tuple of two gradients ({call})")
            expect_close(answer[0], torch.exp(x), what=f"the gradient of exp(x).sum() ({call})")
            expect_close(answer[1], 2 * torch.exp(2 * x), what=f"the gradient of (exp(x) ** 2).sum() ({call})")
        if grad is None and got["x_grad"] is not None:
            raise CheckFailure("two_gradients must leave x.grad untouched (None): torch.autograd.grad returns the "
                               "gradients without accumulating them into .grad")
        after = got["x_grad"]
        if grad is not None and (not isinstance(after, torch.Tensor) or after.shape != grad.shape
                                 or not torch.equal(after, grad)):
            raise CheckFailure("two_gradients must leave x.grad untouched: an x.grad the caller had set must be "
                               "exactly as it was afterwards (use torch.autograd.grad, which never writes .grad)")
    # before the far case below: an answer remembered from an earlier call (keyed by the tensor or its id, which a
    # new tensor can reuse) fails here with the message that names it, not with the far case's about x.grad
    shift = torch.full(x.shape, 0.5, dtype=torch.float64, device=device)
    got = learner.probe("two_gradients", x, 1, None, shift)
    answer, moved = got["shifted"], x + shift
    call = "a call after x's values changed in place (compute the gradients at x's current values on every call)"
    if not isinstance(answer, list) or len(answer) != 2:
        raise CheckFailure(f"two_gradients must return a tuple of two gradients ({call})")
    expect_close(answer[0], torch.exp(moved), what=f"the gradient of exp(x).sum() ({call})")
    expect_close(answer[1], 2 * torch.exp(2 * moved), what=f"the gradient of (exp(x) ** 2).sum() ({call})")
    # a caller's .grad of about 1e4 next to true gradients of about 1e-8 (x in [-22, -18]): an answer that lets the
    # gradients accumulate into x.grad and subtracts the old .grad afterwards, (g0 + ga) - g0, loses ga's digits to
    # cancellation (a relative error of 1e-4 or more), while exp(x) and 2 exp(2x) come out to the last bits
    far = (-18.0 - 4.0 * torch.rand(x.shape, generator=rng, dtype=torch.float64)).to(device)
    big = (1e4 * (1.0 + torch.rand(x.shape, generator=rng, dtype=torch.float64))).to(device)
    got = learner.probe("two_gradients", far, 1, big)
    call = "an x in [-22, -18] whose .grad was already set to about 1e4 (x.grad must play no part, not even by subtraction)"
    answer = got["answers"][0]
    if not isinstance(answer, list) or len(answer) != 2:
        raise CheckFailure(f"two_gradients must return a tuple of two gradients ({call})")
    expect_close(answer[0], torch.exp(far), rtol=1e-9, atol=0.0, what=f"the gradient of exp(x).sum() ({call})")
    expect_close(answer[1], 2 * torch.exp(2 * far), rtol=1e-9, atol=0.0,
                 what=f"the gradient of (exp(x) ** 2).sum() ({call})")
    after = got["x_grad"]
    if not isinstance(after, torch.Tensor) or after.shape != big.shape or not torch.equal(after, big):
        raise CheckFailure("two_gradients must leave x.grad untouched: an x.grad the caller had set must be "
                           f"exactly as it was afterwards ({call})")
