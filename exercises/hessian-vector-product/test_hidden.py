"""Hidden graders for hessian-vector-product: random points and vectors per run, compared with
torch.autograd.functional in the judge; x's state afterwards; and hvp's memory, measured from outside the worker."""

import torch
from torch.autograd.functional import hessian as torch_hessian
from torch.autograd.functional import hvp as torch_hvp

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)
CASES = (("rosenbrock", (5,)), ("logsumexp", (6,)), ("cubic", (2, 3)), ("softplus", (4,)), ("quadratic", (4,)),
         ("cubic", ()))
TOL = dict(rtol=1e-9, atol=1e-10)  # "to 1e-9 in float64"


def rand(rng, *shape, device, scale=1.0):
    return kit.adversarial(rng, shape, device=device, scale=scale)


def sym(rng, n, device):
    B = torch.randn(n, n, generator=rng, dtype=torch.float64).to(device)
    return B + B.T


def run(learner, which, name, x, v=None, A=None, grad=None):
    got = learner.probe("run", which, name, x, v, A=A, grad=grad)
    if not isinstance(got, dict):
        raise CheckFailure(f"{which} could not be run for {name}", f"received {summarize(got)}")
    return got


def _non_contiguous(learner, which, device, rng):
    """x and v as views that are not contiguous (a transposed matrix, a strided slice): "any shape" includes any
    layout, and torch.autograd.functional accepts them (code that calls .view on x or v raises here)."""
    for name, shape in (("cubic", (2, 3)), ("rosenbrock", (5,))):
        x, v = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
        if which == "hvp":
            want = torch_hvp(probes.function(name), x, v)[1]
            pairs = [(lx, xx, lv, vv) for lx, xx in kit.layouts(x).items() for lv, vv in kit.layouts(v).items()
                     if (lx, lv) != ("contiguous", "contiguous")]
        else:
            want = torch_hessian(probes.function(name), x)
            pairs = [(lx, xx, None, None) for lx, xx in kit.layouts(x).items() if lx != "contiguous"]
        for lx, xx, lv, vv in pairs:
            got = run(learner, which, name, xx, vv)
            layout = f"x {lx}" + ("" if lv is None else f", v {lv}")
            expect_close(got["value"], want, **TOL,
                         what=f"{which} for {name} at x of shape {shape} with a non-contiguous layout ({layout}; the "
                              "same values as the contiguous case, computed by torch.autograd.grad whatever x's and "
                              "v's strides)")


def test_hvp_matches_autograd(learner, device, rng):
    """hvp (double backward) equals torch.autograd.functional.hvp for five functions, matrix-shaped and 0-d x
    included, with zero and negative entries in v, and with x or v a non-contiguous view (transposed, strided); and,
    always, for 3 relu(x)^2 + x^2 / 2 at an x with entries within 1e-7 of 0, where the second derivative jumps
    (a difference quotient of two gradients, which is not double backward, straddles the jump)."""
    for name, shape in CASES:
        A = sym(rng, 4, device)
        x, v = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
        _, want = torch_hvp(probes.function(name, A), x, v)
        got = run(learner, "hvp", name, x, v, A=A)
        expect_close(got["value"], want, **TOL, what=f"hvp for {name} at x of shape {shape}")
    x = torch.tensor([1e-7, -1e-7, 0.5, -0.8, 3e-8], dtype=torch.float64, device=device)
    v = torch.tensor([1.0, -0.5, 0.25, 2.0, -1.5], dtype=torch.float64, device=device)
    _, want = torch_hvp(probes.function("relu_square"), x, v)
    got = run(learner, "hvp", "relu_square", x, v)
    expect_close(got["value"], want, **TOL, what="hvp for 3 relu(x)^2 + x^2 / 2 at x = [1e-7, -1e-7, 0.5, -0.8, 3e-8] "
                 "(second derivatives 7 and 1 on either side of 0), v = [1, -0.5, 0.25, 2, -1.5]: by double backward")
    _non_contiguous(learner, "hvp", device, rng)


def test_hessian_matches_autograd(learner, device, rng):
    """hessian equals torch.autograd.functional.hessian, shape x.shape + x.shape (a 0-d x included, and an x that
    is a non-contiguous view)."""
    for name, shape in CASES:
        A = sym(rng, 4, device)
        x = rand(rng, *shape, device=device)
        want = torch_hessian(probes.function(name, A), x)
        got = run(learner, "hessian", name, x, A=A)
        expect_close(got["value"], want, **TOL, what=f"hessian for {name} at x of shape {shape}")
    _non_contiguous(learner, "hessian", device, rng)


def test_linear_function_has_zero_hessian(learner, device, rng):
    """For a linear f the gradient is constant: hvp and hessian are zeros of the right shape (not an error), also
    when the gradient comes from a parameter that requires grad (autograd then finds x unused)."""
    for name, shape in (("linear", (3,)), ("linear", (2, 2)), ("param_linear", (3,)), ("param_linear", (2, 2))):
        x, v = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
        expect_close(run(learner, "hvp", name, x, v)["value"], torch.zeros(shape, dtype=torch.float64, device=device),
                     what=f"hvp of a linear function ({name}) at x of shape {shape}")
        expect_close(run(learner, "hessian", name, x)["value"],
                     torch.zeros(shape + shape, dtype=torch.float64, device=device),
                     what=f"hessian of a linear function ({name}) at x of shape {shape}")


def test_x_without_elements(learner, device):
    """For an x with no elements, hvp returns an empty tensor of x's shape and hessian an empty tensor of shape
    x.shape + x.shape, in x's dtype (torch.autograd.functional.hessian itself cannot stack zero rows)."""
    for shape in ((0,), (2, 0)):
        x = torch.zeros(shape, dtype=torch.float64, device=device)
        expect_close(run(learner, "hvp", "cubic", x, x.clone())["value"], torch.zeros(shape, dtype=torch.float64,
                     device=device), what=f"hvp at an x of shape {shape}")
        expect_close(run(learner, "hessian", "cubic", x)["value"], torch.zeros(shape + shape, dtype=torch.float64,
                     device=device), what=f"hessian at an x of shape {shape}")


def _left_alone(got, what, x, grad=None):
    """x after the call against what the judge sent (never against the worker's own report of "before")."""
    after = got["after"]
    if not isinstance(after.get("values"), torch.Tensor) or not torch.equal(after["values"], x.detach()):
        raise CheckFailure(f"{what} changed the values of x")
    if after["requires_grad"] is not x.requires_grad:
        raise CheckFailure(f"{what} changed x.requires_grad: differentiate a detached copy of x instead")
    if grad is None and after["grad"] is not None:
        raise CheckFailure(f"{what} wrote into x.grad: use torch.autograd.grad on a detached copy, not backward()")
    if grad is not None and (not isinstance(after["grad"], torch.Tensor) or not torch.equal(after["grad"], grad)):
        raise CheckFailure(f"{what} changed the .grad x arrived with (cleared, replaced or accumulated into it): use "
                           "torch.autograd.grad on a detached copy, not backward()")
    if grad is not None:
        marked = after.get("given_after_mark")
        if not isinstance(marked, torch.Tensor) or not torch.equal(marked, grad + 1):
            raise CheckFailure(f"{what} swapped the .grad tensor x arrived with for another one (a copy with the same "
                               "values): whoever holds x.grad no longer sees x's gradient. Leave x.grad alone: use "
                               "torch.autograd.grad on a detached copy of x, not backward()")


def test_leaves_x_alone(learner, device, rng):
    """With x requiring grad or not, hvp and hessian are right, leave x.grad None and x's requires_grad and values
    as they were; and an x that arrives with a .grad (from an earlier backward) keeps that .grad as it was. The same
    on every path out of them: a linear f, a linear f through a parameter, an x with no elements. Called inside a
    caller's torch.no_grad() block, neither leaves grad mode switched on after it."""
    for requires_grad, stale in ((True, False), (False, False), (True, True)):
        x = rand(rng, 4, device=device).requires_grad_(requires_grad)
        v = rand(rng, 4, device=device)
        grad = rand(rng, 4, device=device) if stale else None
        what = f"x with requires_grad={requires_grad}{' and a .grad' if stale else ''}"
        got = run(learner, "hvp", "softplus", x, v, grad=grad)
        _, want = torch_hvp(probes.function("softplus"), x.detach(), v)
        expect_close(got["value"], want, **TOL, what=f"hvp for {what}")
        _left_alone(got, f"hvp ({what})", x, grad)
        got = run(learner, "hessian", "cubic", x, grad=grad)
        expect_close(got["value"], torch_hessian(probes.function("cubic"), x.detach()), **TOL,
                     what=f"hessian for {what}")
        _left_alone(got, f"hessian ({what})", x, grad)
    # every other way out of hvp and hessian leaves x alone too: a linear f (the gradient is constant, so there is no
    # second backward), a linear f through a parameter (autograd finds x unused) and an x with no elements; code that
    # switches x.requires_grad on and puts it back only at the end of the usual path shows here
    for requires_grad in (False, True):
        for name, shape in (("linear", (3,)), ("param_linear", (2, 2)), ("cubic", (0,))):
            x = (rand(rng, *shape, device=device) if shape != (0,) else
                 torch.zeros(shape, dtype=torch.float64, device=device)).requires_grad_(requires_grad)
            v = torch.zeros_like(x) if shape == (0,) else rand(rng, *shape, device=device)
            what = (f"x with requires_grad={requires_grad}, "
                    + ("f linear: the path without a second backward" if name == "linear" else
                       "f linear through a parameter: the path where autograd finds x unused" if name == "param_linear"
                       else "x with no elements"))
            zeros = torch.zeros(shape, dtype=torch.float64, device=device)
            got = run(learner, "hvp", name, x, v)
            expect_close(got["value"], zeros, what=f"hvp for {what}")
            _left_alone(got, f"hvp ({what})", x)
            got = run(learner, "hessian", name, x)
            expect_close(got["value"], torch.zeros(shape + shape, dtype=torch.float64, device=device),
                         what=f"hessian for {what}")
            _left_alone(got, f"hessian ({what})", x)
    # torch's settings are the caller's too: called inside a caller's torch.no_grad() block, neither function leaves
    # grad mode switched on after it (code that turns it on with torch.set_grad_enabled(True) instead of a with block)
    x, v = rand(rng, 3, device=device), rand(rng, 3, device=device)
    after = learner.probe("grad_mode_after_no_grad", "cubic", x, v)
    left_on = [k for k in ("hvp", "hessian") if not isinstance(after, dict) or after.get(k) is not False]
    if left_on:
        raise CheckFailure(f"{' and '.join(left_on)}, called inside a caller's torch.no_grad() block, left grad mode "
                           "on after it: the caller's no_grad no longer holds for the code after the call",
                           "switch grad mode on only inside a with block (with torch.enable_grad(): ...), never with "
                           "torch.set_grad_enabled(True)")


N = 2048  # H is 2048 x 2048 float64 = 32 MiB; an hvp needs a few vectors of 16 KiB
ROOM = 2**20  # what the submission may hold when a measured hvp starts, above the worker's size before it loaded


def test_hvp_never_forms_the_hessian(learner, rng):
    """hvp never forms H, at any size: at n = 2048 (H would be 32 MiB) and at n = 1024 (8 MiB, where a "small n"
    shortcut that builds H and multiplies would still show) the worker's peak memory during hvp, measured from
    outside, stays well below the size of H (5/8 of it: a right hvp needs a few MiB, forming H at least all of it),
    and the product is right. Each size is measured in a fresh worker that may hold at most 1 MiB more than before
    the submission was loaded: memory taken in advance (a buffer allocated at import and filled with H during hvp,
    or released to make room for it) would hide the Hessian from the measurement. x and v are drawn per run: fixed
    ones would let the answer be computed at import, where nothing is measured, and returned by the measured call."""
    for n in (N, N // 2):
        size = n * n * 8
        x = torch.rand(n, generator=rng, dtype=torch.float64) * 2 - 1
        v = torch.randn(n, generator=rng, dtype=torch.float64)
        with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
            got = clean.probe("hvp_big", x, v)
        _, want = torch_hvp(probes.function("cubic"), x, v)
        expect_close(got, want, **TOL, what=f"hvp for a dense Hessian at n = {n} (on the CPU)")
        if m.peak_growth > size * 5 // 8:
            raise CheckFailure(f"hvp raised the worker's memory by {m.peak_growth / 2**20:.0f} MiB at n = {n}, where "
                               f"the Hessian takes {size / 2**20:.0f} MiB: it forms H (or something as large), even "
                               "if only for some sizes; differentiate the scalar g . v instead, whatever n is")
