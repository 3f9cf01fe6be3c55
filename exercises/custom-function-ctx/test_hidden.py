"""Hidden graders for custom-function-ctx: random inputs per run, gradcheck, what backward returns and what memory it
uses (measured from outside the worker), non-differentiable outputs, positional apply calls."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import (CheckFailure, check_gradients, expect_close, expect_equal, expect_tensor,
                                 load_sibling, summarize)

probes = load_sibling(__file__)


def rand(rng, *shape, device, scale=1.0):
    """Continuous random values: no ties (the order of tied values is not part of the task)."""
    return kit.adversarial(rng, shape, device=device, scale=scale, zeros=False, ties=False)


def _outputs(learner, name, x, *args, count=2):
    got = learner.probe("outputs", name, x, *args)
    call = f"{name}.apply(x{''.join(', ' + repr(a) for a in args)})"
    if not isinstance(got, dict) or not isinstance(got.get("outs"), list) or len(got["outs"]) != count:
        outs = got.get("outs") if isinstance(got, dict) else got
        raise CheckFailure(f"{call} must return a tuple of {count} tensors", f"it returned {summarize(outs)}")
    return got, call


def test_matmul_gradcheck(learner, device, rng):
    """MatMul matches a @ b and passes gradcheck and gradgradcheck for square, tall, wide and (1, k) shapes; two
    calls before one backward each get their own gradients."""
    fn = learner.function("MatMul.apply")
    for n, k, m in ((3, 3, 3), (4, 2, 1), (1, 5, 3)):
        a = rand(rng, n, k, device=device).requires_grad_()
        b = rand(rng, k, m, device=device).requires_grad_()
        check_gradients(fn, (a, b), what=f"MatMul for ({n}, {k}) @ ({k}, {m})", reference=torch.matmul, fast=True)
    a = rand(rng, 2, 3, device=device).requires_grad_()
    b = rand(rng, 3, 2, device=device).requires_grad_()
    check_gradients(fn, (a, b), what="MatMul", reference=torch.matmul, second_order=True, fast=True)
    # two calls before one backward (a sum of two products): each backward reads its own call's a and b from ctx
    calls = [(rand(rng, 4, 2, device=device), rand(rng, 2, 3, device=device)),
             (rand(rng, 3, 5, device=device), rand(rng, 5, 2, device=device))]
    incoming = [rand(rng, 4, 3, device=device), rand(rng, 3, 2, device=device)]
    kit.expect_own_gradients(lambda: learner.probe("two_calls_grads", "MatMul", calls, incoming),
                             drive.grads_of_calls(torch.matmul, calls, incoming), ("a1", "b1", "a2", "b2"),
                             rtol=1e-12, atol=1e-12, what="MatMul.apply(a1, b1) and MatMul.apply(a2, b2) ((4, 2) @ "
                             "(2, 3), then (3, 5) @ (5, 2)) before one backward")


def test_matmul_skips_unneeded_gradients(learner, device, rng):
    """With only one input requiring grad, backward returns None for the other and the right gradient for it."""
    a, b = rand(rng, 3, 5, device=device), rand(rng, 5, 7, device=device)
    g = torch.ones(3, 7, dtype=torch.float64, device=device)
    for a_needs, b_needs in ((True, False), (False, True)):
        got = learner.probe("backward_returns", a, b, a_needs, b_needs)
        if not isinstance(got, list) or len(got) != 2:
            raise CheckFailure("MatMul.backward must return one value per input of forward (2)",
                               f"it returned {summarize(got)}")
        needed, skipped = (0, 1) if a_needs else (1, 0)
        if got[skipped] is not None:
            raise CheckFailure(f"backward computed a gradient for {'ab'[skipped]} although it does not require grad: "
                               "check ctx.needs_input_grad and return None for it")
        want = g @ b.T if a_needs else a.T @ g
        expect_close(got[needed], want, rtol=1e-12, atol=1e-12, what="the gradient that is needed")


N = 2048  # an n x n float64 gradient is 32 MiB: far above allocator noise (1-3 MB)
# What the worker may hold when the measured backward starts, above its size before the submission loaded and the
# n x n input the probe built for it (the judge's own count: N * N * 8 bytes): right files start 4-70 KiB above it,
# and a right forward that loops over the 2048 rows of the square input (a naive learner's product) about 1.4 MiB above
# it in a worker forked from a zygote, after the worker gave its free heap pages back; 4 MiB stays far below size / 2
# (16 MiB), the growth the verdict rests on
ROOM = 4 * 2**20


def test_matmul_never_computes_unneeded_gradient(learner, rng):
    """Backward never forms the gradient of an input that does not require grad: with a (1, n) @ (n, n) product and
    only the row requiring grad (and the other way round), backward's peak memory stays far below one n x n matrix.
    Each case is measured in a fresh worker, where backward may start with at most 4 MiB more than the worker held
    before the submission loaded, besides the inputs of the product: memory taken in advance (a buffer allocated at
    import, freed inside backward) would hide the gradient it forms."""
    size = N * N * 8
    for which in ("a", "b"):
        # the incoming gradient is drawn per run and goes only with the measured backward (the forward runs in an
        # unmeasured request, where a fixed gradient would let backward's answer be formed in advance)
        g_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        with learner.fresh(warm="warm_up") as clean:
            clean.probe("matmul_prepare", which, N)  # the forward, in the same worker, before the measured backward
            with clean.measure(room=size + ROOM) as m:
                grad = clean.probe("matmul_backward", g_seed)
        a, b = probes.big_pair(which, N)
        g = probes.incoming(g_seed, (a.shape[0], b.shape[1]))
        want = g @ b.T if which == "a" else a.T @ g
        expect_close(grad, want, rtol=1e-10, atol=1e-10,
                     what=f"the gradient for {which} when only {which} requires grad")
        if m.peak_growth > size // 2:
            other = "b" if which == "a" else "a"
            raise CheckFailure(f"with only {which} requiring grad, backward's memory rose by {m.peak_growth / 2**20:.0f} "
                               f"MiB, about the size of {other}'s gradient ({size / 2**20:.0f} MiB): it computed the "
                               f"gradient of {other}, which nobody needs; check ctx.needs_input_grad before computing it")


SORT_CASES = (((7,), (), (-1, False)), ((4, 5), (0,), (0, False)), ((4, 5), (0, True), (0, True)),
              ((2, 3, 4), (1, False), (1, False)), ((3, 4), (-1, True), (-1, True)), ((2, 5), (1,), (1, False)),
              ((4, 3), (-2,), (-2, False)), ((2, 3, 4), (-2, True), (-2, True)), ((3, 4, 2), (-3, False), (-3, False)))


def _two_calls(learner, name, reference, calls, incoming, what):
    """Both gradients of two applies made before one backward (the first output of each) must be each call's own;
    ``reference`` is torch's function, run through the same harness in the judge."""
    kit.expect_own_gradients(lambda: learner.probe("two_calls_grads", name, calls, incoming, 0),
                             drive.grads_of_calls(lambda *args: (reference(*args),), calls, incoming, output=0),
                             ("x1", "x2"), rtol=1e-12, atol=1e-12,
                             what=f"{name}.apply(x1, ...) and {name}.apply(x2, ...) {what} before one backward")


def test_sort_matches_torch(learner, device, rng):
    """Values and indices equal torch.sort's for Sort.apply(x), Sort.apply(x, dim) and Sort.apply(x, dim,
    descending), along dim 0, 1 and -1, ascending and descending, for 1-D to 3-D inputs."""
    for shape, args, (dim, desc) in SORT_CASES:
        x = rand(rng, *shape, device=device)
        got, call = _outputs(learner, "Sort", x, *args)
        want_v, want_i = torch.sort(x, dim=dim, descending=desc)
        expect_close(got["outs"][0], want_v, rtol=0.0, atol=0.0, what=f"the values of {call} for shape {shape}")
        expect_close(got["outs"][1], want_i, what=f"the indices of {call} for shape {shape}")


def test_sort_gradients(learner, device, rng):
    """The gradient of the values goes back to the sorted-from positions (any dim, negative dims other than -1 too,
    both orders, default arguments), also when two Sort.apply calls with different dims and shapes are made before one
    backward (each backward uses its own call's dim), and double backward works (gradcheck and gradgradcheck)."""
    for shape, args, (dim, desc) in SORT_CASES:
        x = rand(rng, *shape, device=device)
        g = rand(rng, *shape, device=device)
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad((torch.sort(xr, dim=dim, descending=desc)[0] * g).sum(), xr)
        call = f"Sort.apply(x{''.join(', ' + repr(a) for a in args)})"
        expect_close(learner.probe("values_grad", "Sort", x, g, *args), want, rtol=1e-12, atol=1e-12,
                     what=f"the gradient through {call} for shape {shape}")
    # two calls before one backward: dim 0 on (4, 5), then dim 1 on (3, 6); every draw separates, since scattering
    # along the other dim (or into the other shape) puts gradients at other positions
    calls = [(rand(rng, 4, 5, device=device), 0, False), (rand(rng, 3, 6, device=device), 1, False)]
    incoming = [rand(rng, 4, 5, device=device), rand(rng, 3, 6, device=device)]
    _two_calls(learner, "Sort", lambda x, dim, desc: torch.sort(x, dim=dim, descending=desc)[0], calls, incoming,
               "with different dims")
    fn = learner.function("Sort.apply")
    x = rand(rng, 3, 4, device=device).requires_grad_()
    check_gradients(lambda t: fn(t)[0], (x,), what="Sort's values", reference=lambda t: torch.sort(t)[0],
                    second_order=True, fast=True)


def test_sort_indices_not_differentiable(learner, device, rng):
    """The indices are int64 and do not require grad; the values do."""
    got, call = _outputs(learner, "Sort", rand(rng, 3, 4, device=device), 0, False)
    expect_equal(got["requires_grad"], [True, False], what=f"requires_grad of (values, indices) from {call}")
    expect_tensor(got["outs"][1], what=f"the indices of {call}", shape=(3, 4), dtype=torch.int64, device=device)


def clamp_input(rng, device, low, high, dtype=torch.float64):
    """Random values on both sides of [low, high] with the boundaries themselves planted."""
    x = rand(rng, 20, device=device, scale=2.0)
    # low - 1e-300 and high + 1e-300: strictly outside bounds at 0 (equal to the bound itself elsewhere), where a
    # product test such as (x - low) * (high - x) >= 0 underflows to -0.0 and calls the clipped entry inside
    fixed = torch.tensor([low, high, low - 1.0, high + 1.0, (low + high) / 2, low - 1e-300, high + 1e-300],
                         dtype=torch.float64, device=device)
    return torch.cat([x, fixed]).to(dtype)


# (-0.3, 0.1): bounds that float32 cannot hold exactly, so a float64 x clamped to a float32 copy of a bound (bounds
# turned into default-dtype tensors) comes out about 1e-9 away from torch.clamp's
# (0, 0): equal int bounds at zero, with the planted +-1e-300 just outside them
CLAMP_BOUNDS = ((-1.0, 1.0), (-1.5, 0.5), (-1, 2), (0.25, 0.25), (-0.3, 0.1), (0, 0))


def test_clamp_matches_torch(learner, device, rng):
    """Clamp's values and mask equal torch.clamp's and (x < low) | (x > high), boundaries and low == high included
    (and bounds that float32 cannot represent, exactly as given),
    and its gradient is torch.clamp's (1 at the boundaries), also when the loss uses the mask and when two Clamp.apply
    calls with different bounds are made before one backward (each uses its own bounds), also when the incoming
    gradient is inf or nan where x was clipped (torch.clamp's is 0 there: a select, not a multiply by a 0/1 mask);
    double backward works."""
    for low, high in CLAMP_BOUNDS:
        x = clamp_input(rng, device, low, high)
        got, call = _outputs(learner, "Clamp", x, low, high)
        expect_close(got["outs"][0], torch.clamp(x, low, high), rtol=0.0, atol=0.0, what=f"the values of {call}")
        expect_close(got["outs"][1], ((x < low) | (x > high)).to(x.dtype), rtol=0.0, atol=0.0,
                     what=f"the clipped mask of {call} (1.0 only strictly outside [low, high])")
        g = rand(rng, x.shape[0], device=device)
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad((torch.clamp(xr, low, high) * g).sum(), xr)
        expect_close(learner.probe("values_grad", "Clamp", x, g, low, high), want, rtol=1e-12, atol=1e-12,
                     what=f"the gradient of {call} (torch.clamp's: the incoming gradient where low <= x <= high, "
                          "the boundaries themselves included, and 0 where x was clipped; the loss also uses the "
                          "mask, which must not change it)")
    # two calls before one backward: bounds (-1, 1) then (-5, 5); the planted -2 and 2 of the first input are outside
    # the first bounds and inside the second, so a backward that uses the other call's bounds is always wrong there
    calls = [(clamp_input(rng, device, -1.0, 1.0), -1.0, 1.0), (clamp_input(rng, device, -5.0, 5.0), -5.0, 5.0)]
    incoming = [rand(rng, call[0].shape[0], device=device) for call in calls]
    _two_calls(learner, "Clamp", torch.clamp, calls, incoming, "with different bounds")
    # torch.clamp's backward selects (where low <= x <= high: the incoming gradient, else 0), it does not multiply by
    # a 0/1 mask: an incoming gradient of inf, -inf or nan where x was clipped still gives 0 there (0 * inf is nan).
    # The planted low - 1 and high + 1 are always clipped. (A NaN in x is left out: the task does not say.)
    for low, high in ((-1.0, 1.0), (0.25, 0.25)):
        x = clamp_input(rng, device, low, high)
        g = rand(rng, x.shape[0], device=device)
        outside = ((x < low) | (x > high)).nonzero().flatten()
        g[outside] = torch.tensor([float("inf"), float("-inf"), float("nan")], dtype=g.dtype,
                                  device=device)[torch.arange(len(outside), device=device) % 3]
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad((torch.clamp(xr, low, high) * g).sum(), xr)
        expect_close(learner.probe("values_grad", "Clamp", x, g, low, high), want, rtol=1e-12, atol=1e-12,
                     what=f"the gradient of Clamp.apply(x, {low!r}, {high!r}) when the incoming gradient is inf or "
                          "nan where x was clipped: torch.clamp's is 0 there (select the incoming gradient, as "
                          "torch.where does; multiplying it by a 0/1 mask makes 0 * inf = nan)")
    # double backward: differentiating the gradient with respect to the incoming gradient gives v where
    # low <= x <= high, else 0
    x = clamp_input(rng, device, -1.0, 1.0)
    g, v = rand(rng, x.shape[0], device=device), rand(rng, x.shape[0], device=device)
    expect_close(learner.probe("clamp_double_backward", x, g, v, -1.0, 1.0),
                 v * ((x >= -1.0) & (x <= 1.0)).to(x.dtype), rtol=1e-12, atol=1e-12,
                 what="the double backward of Clamp (build backward from differentiable ops)")


def test_clamp_mask_not_differentiable(learner, device, rng):
    """The float mask is marked non-differentiable (requires_grad False) and has x's dtype (float32, float64,
    bfloat16); the clamped output keeps x's dtype too."""
    for dtype in (torch.float32, torch.float64, torch.bfloat16):
        x = clamp_input(rng, device, -0.5, 0.5, dtype)
        got, call = _outputs(learner, "Clamp", x, -0.5, 0.5)
        expect_equal(got["requires_grad"], [True, False],
                     what=f"requires_grad of (clamped, clipped) in {dtype} (clipped is marked with "
                          "ctx.mark_non_differentiable in forward, so it must not require grad)")
        expect_tensor(got["outs"][0], what=f"the clamped values in {dtype}", shape=x.shape, dtype=dtype)
        expect_tensor(got["outs"][1], what=f"the clipped mask in {dtype}", shape=x.shape, dtype=dtype)
        expect_close(got["outs"][1], ((x < -0.5) | (x > 0.5)).to(dtype), rtol=0.0, atol=0.0,
                     what=f"the clipped mask in {dtype}")
