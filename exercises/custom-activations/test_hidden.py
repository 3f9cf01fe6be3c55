"""Hidden graders for custom-activations: random inputs per run (both signs, exact zeros planted), extremes in every
dtype, low-precision dtypes at the kit's tolerances, non-contiguous layouts, double backward, and what stays in
memory for backward, measured from outside the worker."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor, load_sibling, summarize

P = load_sibling(__file__)
TORCH = {"Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU": torch.relu}
F64 = dict(rtol=1e-10, atol=1e-15)  # "float64 to 1e-10"
EXTREMES = [-1000.0, -100.0, -20.0, -1e-3, 0.0, -0.0, 1e-3, 20.0, 100.0, 1000.0]


def rand(rng, *shape, device, dtype=torch.float64, scale=3.0):
    return kit.adversarial(rng, shape, dtype=dtype, device=device, scale=scale)


def away_from_zero(x):
    return torch.where(x.abs() < 0.05, x + 0.1 * torch.sign(x + 1e-12), x)


def derivative(name, x):
    """The exact derivative, computed in float64 in the judge (relu'(0) = 0)."""
    d = x.double()
    if name == "Sigmoid":
        s = torch.sigmoid(d)
        return s * (1 - s)
    if name == "Tanh":
        return 1 - torch.tanh(d) ** 2
    return (d > 0).to(torch.float64)


def grad_of(learner, name, x, g, create_graph=False):
    """out = name.apply(x) and the gradient of out against g; with create_graph, computed as a double backward
    computes it (g requires grad and the gradient is built as a graph)."""
    x = x.detach().requires_grad_(True)
    out = learner.function(f"{name}.apply")(x)
    if create_graph:
        (got,) = torch.autograd.grad(out, x, g.detach().requires_grad_(True), create_graph=True)
        return out, got.detach()
    (got,) = torch.autograd.grad(out, x, g)
    return out, got


def test_forward_matches_torch(learner, device, rng):
    """Forward values equal torch's in float64 to 1e-10, for several shapes, tiny |x| and exact zeros included."""
    for name, ref in TORCH.items():
        for shape in ((7,), (3, 4), (), (2, 3, 4)):
            x = rand(rng, *shape, device=device)
            expect_close(learner.call(f"{name}.apply", x), ref(x), **F64, what=f"{name}.apply(x) for x of shape {shape}")
        tiny = torch.cat([rand(rng, 5, device=device, scale=1e-6),
                          torch.tensor([0.0, -0.0, 1e-300, -1e-300], dtype=torch.float64, device=device)])
        expect_close(learner.call(f"{name}.apply", tiny), ref(tiny), **F64,
                     what=f"{name}.apply(x) for |x| below 1e-5 and x = 0")


def test_backward_values(learner, device, rng):
    """backward gives the derivative times the incoming gradient (s(1-s), 1-t^2, and 0 or 1), with zero and
    negative incoming gradients, in float64 to 1e-10; also for two calls made one after the other before one
    backward through both (each backward reads its own ctx)."""
    for name in TORCH:
        x = rand(rng, 16, device=device)
        g = rand(rng, 16, device=device, scale=1.0)
        _, got = grad_of(learner, name, x, g)
        expect_close(got, g * derivative(name, x), **F64, what=f"the gradient of {name}")
        x2 = -x  # the other sign everywhere: the second call's mask and output differ from the first's at every element
        g2 = rand(rng, 16, device=device, scale=1.0)
        calls, incoming = [(x,), (x2,)], [g, g2]
        kit.expect_own_gradients(lambda: learner.probe("two_calls", name, calls, incoming),
                                 drive.grads_of_calls(TORCH[name], calls, incoming), ("x1", "x2"), **F64,
                                 what=f"{name}.apply(x1) and then {name}.apply(x2) run before one backward through both")


def test_relu_convention_at_zero(learner, device, rng):
    """ReLU's gradient is exactly 0 at x = 0 and -0 and 1 for any x > 0, however small (float64 and float32); the
    same when the gradient is built with create_graph=True (as in double backward and gradient penalties)."""
    for dtype, small in ((torch.float64, 1e-300), (torch.float32, 1e-45)):
        x = torch.tensor([0.0, -0.0, small, -small, 0.0, 2.0, -2.0], dtype=dtype, device=device)
        g = rand(rng, 7, device=device, dtype=dtype, scale=1.0)
        for create_graph in (False, True):
            _, got = grad_of(learner, "ReLU", x, g, create_graph=create_graph)
            expect_close(got, (g.double() * derivative("ReLU", x)).to(dtype), rtol=0.0, atol=0.0,
                         what=f"the gradient of ReLU at 0, -0 and +-{small:g} in {dtype}" +
                              (" computed with create_graph=True (one rule for every backward: 0 at exactly 0)"
                               if create_graph else ""))


def test_extremes_finite(learner, device):
    """At |x| up to 1000 the outputs and gradients are finite and equal torch's, in float32 and float64 (the
    textbook forms give inf / inf there)."""
    for dtype, tol in ((torch.float32, dict(rtol=1e-5, atol=1e-6)), (torch.float64, F64)):
        x = torch.tensor(EXTREMES, dtype=dtype, device=device)
        g = torch.ones_like(x)
        for name, ref in TORCH.items():
            out, got = grad_of(learner, name, x, g)
            expect_close(out, ref(x), **tol, what=f"{name}.apply(x) in {dtype} for |x| up to 1000")
            expect_close(got, derivative(name, x).to(dtype), **tol,
                         what=f"the gradient of {name} in {dtype} for |x| up to 1000")


def test_gradcheck(learner, device, rng):
    """gradcheck passes in float64 for all three (ReLU away from its kink), with the forward's values checked first."""
    for name, ref in TORCH.items():
        x = away_from_zero(rand(rng, 6, device=device)).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (x,), what=name, reference=ref, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works for all three: each backward is built from differentiable operations."""
    for name, ref in TORCH.items():
        x = away_from_zero(rand(rng, 5, device=device, scale=1.5)).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (x,), what=name, reference=ref, second_order=True,
                        fast=True)


N = 4 * 1024 * 1024  # float64: 32 MiB per tensor of x's size, far above allocator noise (1-3 MB)


N_LOW = 8 * 1024 * 1024  # float16 / bfloat16: 16 MiB per tensor of x's size; a float32 copy would be 32 MiB
ROOM = 4 * 2**20  # what the submission may hold when a measured call starts, above the worker's size before it loaded


def test_sigmoid_and_tanh_keep_only_their_output(learner, rng):
    """Sigmoid and Tanh keep only their output for backward: with the output alive and x dropped, nothing else of
    x's size (the input, an intermediate) stays in memory, measured from outside the worker; in float64, and in
    float16 and bfloat16, where a float32 result computed for accuracy must not be what is saved either. They are
    measured in a fresh worker, and each call may start with at most 4 MiB more than the worker held before the
    submission loaded: memory taken in advance (a balloon freed inside the call, taken back once the output is freed)
    would hide what is kept. (Right answers start with up to 1.5 MB left by the cases before; keeping x is 16 MiB.)
    x and the incoming gradient are drawn per run, and a backward through the kept output (x dropped) must give x
    the right gradient: what was saved while measured is what backward uses."""
    cases = [(dtype, n, name, ref) for dtype, n in ((torch.float64, N), (torch.float16, N_LOW), (torch.bfloat16, N_LOW))
             for name, ref in (("Sigmoid", torch.sigmoid), ("Tanh", torch.tanh))]
    with learner.fresh(warm="warm_up") as clean:
        for dtype, n, name, ref in cases:
            # x and the incoming gradient are drawn per run and sent with the requests that use them, and the
            # measured call's backward is checked too: a Function that saved nothing when measured (its backward
            # returning zeros) had this grader's point, and with fixed x a backward could make x again from nothing
            x_seed, g_seed, h_seed = (int(v) for v in torch.randint(0, 2**31 - 1, (3,), generator=rng))
            clean.probe("release")  # the previous case's output goes before the next measurement starts
            with clean.measure(room=ROOM) as m:
                sums = clean.probe("keep_output", name, n, dtype, x_seed=x_seed)
            xs = input_of(x_seed, n, dtype)
            _expect_only_output_kept(m, sums, dtype, n, name, ref, xs)
            _expect_kept_backward(clean.probe("backward_kept", g_seed, h_seed), xs, g_seed, h_seed, dtype, name)


def input_of(x_seed, n, dtype):
    """keep_output's x for x_seed: uniform in [-6, 6), rounded to dtype, in float64."""
    return P.drawn_input(x_seed, n, dtype).double()


# Two sums of the gradient that reaches x (incoming gradient g uniform in [0, 1)): its plain sum, against the float64
# reference at the rounded x and g, relative to the value (no term cancels); and its sum weighted by standard normal h,
# relative to the norm of the weighted terms (a gradient with the right average but not each element's, such as one
# made from another x, is off by about that norm). Right files (the reference and every right_*.py, seeds 1, 4242,
# 2**31 - 5) stay below 2e-15 in float64, 7.2e-4 / 2.1e-3 in float16 and 5.7e-3 / 1.9e-2 in bfloat16 (Tanh from a
# sigmoid); a backward of zeros is off by 1 in the first, one from the linspace x of old by 0.87 or more in the second.
KEPT_BACKWARD_RTOL = {torch.float64: (1e-10, 1e-10), torch.float16: (1e-2, 2e-2), torch.bfloat16: (3e-2, 1e-1)}


def _expect_kept_backward(got, xs, g_seed, h_seed, dtype, name):
    g = P.drawn_incoming(g_seed, xs.shape, dtype).double()
    h = P.drawn_weights(h_seed, xs.shape)
    terms = g * derivative(name, xs)
    what = (f"the gradient of {name} in {dtype} through the output kept while measured, x since dropped (for a random "
            "incoming gradient)")
    if not (isinstance(got, list) and len(got) == 2 and all(isinstance(v, float) for v in got)):
        raise CheckFailure(f"backward through the output of {name}.apply(x) ({dtype} input, x since dropped) gave x "
                           "no gradient", f"received {summarize(got)}")
    plain, weighted = KEPT_BACKWARD_RTOL[dtype]
    expect_close(torch.tensor(got[0], dtype=torch.float64), terms.sum(), rtol=plain, atol=0.0,
                 what=what + ": the sum of its values")
    expect_close(torch.tensor(got[1], dtype=torch.float64), (terms * h).sum(), rtol=0.0,
                 atol=weighted * float((terms * h).norm()), what=what + ": its values, weighted")


def _expect_only_output_kept(m, sums, dtype, n, name, ref, xs):
    size = n * torch.empty((), dtype=dtype).element_size()
    want = ref(xs)
    if not (isinstance(sums, list) and len(sums) == 2 and all(isinstance(v, float) for v in sums)):
        raise CheckFailure(f"{name}.apply(x) must return a tensor", f"received {summarize(sums)}")
    if dtype == torch.float64:
        expect_close(torch.tensor(sums, dtype=torch.float64), torch.stack([want.sum(), want.square().sum()]),
                     rtol=1e-8, atol=1e-8,
                     what=f"{name}.apply(x) for 4M values from -6 to 6 (sum and sum of squares)")
    else:  # the sum cancels to about 0: only the sum of squares, at the dtype's precision
        expect_close(torch.tensor(sums[1], dtype=torch.float64), want.square().sum(), rtol=2e-2, atol=0.0,
                     what=f"{name}.apply(x) in {dtype} for 8M values from -6 to 6 (sum of squares)")
    extra = m.kept - size
    if m.kept < size // 2:
        # The probe keeps the output alive across the measurement; the probe runs beside the submission, which can
        # rewrite it to keep nothing, so a measurement without the output itself says nothing about what is saved.
        raise CheckFailure(f"after {name}.apply(x) returned, with its output still alive, the worker held only "
                           f"{m.kept / 2**20:.1f} MiB more, less than the output itself ({size / 2**20:.0f} MiB): "
                           "the output (and the graph behind it) was dropped before the memory could be measured")
    if extra > size // 2:
        raise CheckFailure(f"{name} keeps about {extra / size:.1f} tensors of x's size alive for backward "
                           f"besides its output ({dtype} input): save only the output "
                           "(ctx.save_for_backward(out)), in x's dtype; its derivative needs nothing else")


def test_low_precision_dtypes(learner, device, rng):
    """float16, bfloat16 and float32 are kept, for outputs and gradients, and the values are right to the dtype's
    precision (the kit's tolerances against float64 references), also in float16 at |x| = 12 or 30, where e^|x|
    overflows the dtype."""
    # a fixed row where e^|x| or e^(2|x|) overflows float16 (|x| > 11.1) though the activations are plain 1, -1 or 0
    # and a row where tanh is near 1 with an incoming gradient of -3: there a right g - g * t * t is off by an ulp of
    # g from g * (1 - t * t), far more than an ulp of the small result
    edges = [[-30.0, -12.0, -11.5], [0.0, 0.5, -0.5], [11.5, 12.0, 30.0], [5.0, -6.0, 8.0],
             [1.7578125, 1.8984375, 1.96875]]
    for dtype, fixed in ((torch.float16, False), (torch.bfloat16, False), (torch.float32, False),
                         (torch.float16, True), (torch.bfloat16, True)):
        if fixed:
            x = torch.tensor(edges, dtype=dtype, device=device)
            g = torch.ones(5, 3, dtype=dtype, device=device)
            g[-1] = -3.0
        else:
            x = rand(rng, 4, 3, device=device, dtype=dtype, scale=2.0)
            g = rand(rng, 4, 3, device=device, dtype=dtype, scale=1.0)
        at = f" at x = {edges}" if fixed else ""
        for name, ref in TORCH.items():
            out, got = grad_of(learner, name, x, g)
            expect_tensor(out, what=f"{name}.apply(x) in {dtype}", shape=tuple(x.shape), dtype=dtype, device=device)
            kit.expect_close_in(out, ref(x.double()), dtype=dtype, what=f"{name}.apply(x) in {dtype}{at}")
            expect_tensor(got, what=f"the gradient of {name} in {dtype}", shape=tuple(x.shape), dtype=dtype,
                          device=device)
            # the derivative as a function of the output that this forward produced (its own rounding included)
            y = out.double()
            local = {"Sigmoid": y * (1 - y), "Tanh": 1 - y * y, "ReLU": derivative("ReLU", x)}[name]
            if dtype in (torch.float16, torch.bfloat16) and name != "ReLU":
                # within the dtype's rounding of the terms a right order of operations adds up: g - g * t * t (or
                # g * y - g * y * y) is as right as g * (1 - t * t), and near |t| = 1 it is off by an ulp of g,
                # far more than an ulp of the small result (seed 7 of a right by-hand Tanh, round 15)
                rtol, atol = kit.TOLERANCES[dtype]
                terms = g.double().abs() * ((1 + y * y) if name == "Tanh" else (y.abs() + y * y))
                kit.expect_half(got, g.double() * local, dtype=dtype, scale=terms, rtol=rtol, atol=atol,
                                what=f"the gradient of {name} in {dtype}{at}")
            else:
                kit.expect_close_in(got, g.double() * local, dtype=dtype,
                                    what=f"the gradient of {name} in {dtype}{at}")


def test_shapes_and_layouts(learner, device, rng):
    """Empty tensors keep their shape, and transposed, strided and expanded (non-contiguous) inputs give the same
    outputs and gradients as contiguous ones."""
    for name, ref in TORCH.items():
        empty = torch.zeros(0, 3, dtype=torch.float64, device=device)
        expect_tensor(learner.call(f"{name}.apply", empty), what=f"{name}.apply of an empty tensor", shape=(0, 3),
                      dtype=torch.float64, device=device)
        _, got = grad_of(learner, name, empty, empty)
        expect_tensor(got, what=f"the gradient of {name} for an empty tensor", shape=(0, 3), dtype=torch.float64,
                      device=device)
        x = rand(rng, 3, 4, device=device)
        g = rand(rng, 3, 4, device=device, scale=1.0)
        found = learner.probe("layouts", name, x, g)
        if not isinstance(found, dict):
            raise CheckFailure(f"{name} could not be run on non-contiguous inputs", f"received {summarize(found)}")
        local = g * derivative(name, x)
        wants = {"transposed": (ref(x), local.T), "strided": (ref(x), None),
                 "expanded": (ref(x[:1].expand(3, 4)), (g * derivative(name, x[:1].expand(3, 4))).sum(0, keepdim=True))}
        for layout, (want_out, want_grad) in wants.items():
            pair = found.get(layout)
            if not isinstance(pair, list) or len(pair) != 2:
                raise CheckFailure(f"{name} on a {layout} input returned {summarize(pair)}")
            out, grad = pair
            expect_close(out, want_out, **F64, what=f"{name}.apply(x) for a {layout} (non-contiguous) x")
            if layout == "strided":
                expect_tensor(grad, what=f"the gradient of {name} for a strided x", shape=(3, 8))
                expect_close(grad[..., 1::2], local, **F64, what=f"the gradient of {name} for a strided x")
                expect_close(grad[..., 0::2], torch.zeros_like(local), **F64,
                             what=f"the gradient of {name} for a strided x (elements it never read)")
            else:
                expect_close(grad, want_grad, **F64, what=f"the gradient of {name} for a {layout} x")
