"""Hidden graders for pool-functions: fixed configurations (non-square kernels and strides, padding, overlapping
windows, windows that leave the last rows uncovered, stride=None) with random values (zeros, ties and both signs
planted), fixed tie and overlap cases next to them; every reference is torch's pooling and its gradient, computed
here in the judge."""

import torch
import torch.nn.functional as F

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor, summarize

TORCH = {"max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d}
FUNCTIONS = {"max_pool2d": "MaxPool2d", "avg_pool2d": "AvgPool2d"}
EXACT = dict(rtol=0, atol=0)
F64 = dict(rtol=1e-12, atol=1e-12)
F32 = dict(rtol=1e-5, atol=1e-5)
# forward: a maximum is one of the inputs (exact); an average is a rounded sum (1e-12 in float64)
TOL = {"max_pool2d": EXACT, "avg_pool2d": F64}
# gradients: where windows overlap, an element's gradient is a sum of shares, and the task leaves the order of those
# additions to the learner (scatter_add_, fold, index_add_ or a loop round differently): 1e-12 in float64, 1e-5 in
# float32, for both poolings, never bit-for-bit
GRAD = {torch.float64: F64, torch.float32: F32}

# (batch, channels, H, W, kernel_size, stride, padding)
CONFIGS = [
    (2, 3, 6, 8, 2, None, 0),  # the default stride: the kernel size
    (1, 2, 7, 5, (3, 2), (2, 1), (1, 0)),
    (2, 1, 5, 6, 3, 1, 1),  # overlapping windows, padding on every side
    (1, 3, 6, 9, (2, 4), (1, 3), (1, 2)),
    (3, 2, 8, 7, 3, 2, 0),  # the last row and column belong to no window
    (1, 1, 3, 4, 1, 1, 0),
    (2, 2, 9, 7, (4, 3), None, (2, 1)),
    (1, 2, 10, 11, 5, (2, 3), 2),
]


def describe(cfg):
    n, c, h, w, k, s, p = cfg
    return f"x ({n}, {c}, {h}, {w}), kernel_size={k}, stride={s}, padding={p}"


def draw(rng, cfg, device, dtype=torch.float64):
    n, c, h, w = cfg[:4]
    return kit.adversarial(rng, (n, c, h, w), device=device, dtype=dtype)


def distinct(rng, shape, device):
    """Values at least 0.05 apart (no ties, so a finite-difference step never changes which element is largest)."""
    numel = 1
    for s in shape:
        numel *= s
    order = torch.randperm(numel, generator=rng).to(torch.float64)
    noise = torch.rand(numel, generator=rng, dtype=torch.float64) * 0.01
    return ((order - numel / 2) * 0.06 + noise).reshape(shape).to(device)


def grad_of(fn, x, g, *args):
    leaf = x.detach().clone().requires_grad_()
    out = fn(leaf, *args)
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        raise CheckFailure("the pooling function must return a tensor that is part of the graph when x requires grad",
                           f"it returned {summarize(out)}")
    (grad,) = torch.autograd.grad(out, leaf, g, allow_unused=True)
    if grad is None:
        raise CheckFailure("no gradient reaches x: backward must return the gradient for x first")
    return grad


def forward_matches(learner, name, x, cfg, what=""):
    k, s, p = cfg[4:]
    expect_close(learner.call(name, x, k, s, p), TORCH[name](x, k, s, p), **TOL[name],
                 what=f"{name}({what or describe(cfg)})")


def backward_matches(learner, name, x, g, cfg, what=""):
    k, s, p = cfg[4:]
    expect_close(grad_of(learner.function(name), x, g, k, s, p), grad_of(TORCH[name], x, g, k, s, p),
                 **GRAD[x.dtype], what=f"the gradient of {name} for x ({what or describe(cfg)})")


def two_calls_match(learner, name, rng, device, make):
    """Two calls (other shapes and geometries) before one backward: each x gets its own call's gradient, so nothing a
    backward needs may live on the class, which the second call overwrites."""
    calls, grads = [], []
    for cfg in (CONFIGS[1], CONFIGS[2]):
        x = make(rng, cfg, device)
        calls.append((x, *cfg[4:]))
        grads.append(incoming(rng, x, cfg, device))
    kit.expect_own_gradients(lambda: learner.probe("two_calls", name, calls, grads),
                             drive.grads_of_calls(TORCH[name], calls, grads), ("x of call 1", "x of call 2"),
                             **GRAD[calls[0][0].dtype],
                             what=f"two {name} calls made before one backward ({describe(CONFIGS[1])}; "
                                  f"{describe(CONFIGS[2])})",
                             fix="each backward must use its own call's saved tensors and geometry: " + kit.OWN_CTX)


# one input size, geometries in turn: (A, B, C, F) all give 3x3 outputs from a 6x6 input with other kernels, strides
# and paddings, (D, G) both give 4x4; then A again. A cache keyed by the input's shape (or by the output's, or by part
# of the geometry) that a later call reuses routes that call's gradient through another call's windows.
SAME_SIZE = [(1, 2, 6, 6, 2, 2, 0), (1, 2, 6, 6, 4, 1, 0), (1, 2, 6, 6, 3, 2, 1), (1, 2, 6, 6, 4, 2, 1),
             (1, 2, 6, 6, 3, 1, 0), (1, 2, 6, 6, 2, 2, 1), (1, 2, 6, 6, 2, 2, 0)]


def same_size_calls_match(learner, name, rng, device, make):
    """Calls in turn on inputs of one size with other geometries (some giving the same output size): each gradient
    is its own call's, so nothing worked out for one call's geometry may be kept and reused by the next."""
    for k, cfg in enumerate(SAME_SIZE, start=1):
        x = make(rng, cfg, device)
        backward_matches(learner, name, x, incoming(rng, x, cfg, device), cfg,
                         f"call {k} of {len(SAME_SIZE)} on 6x6 inputs, {describe(cfg)}: the calls before it had the "
                         "same input size and other geometries, so nothing may be kept from one call for the next")


def _outputs(cfg):
    k, s, p = cfg[4:]
    return F.max_pool2d(torch.zeros(cfg[:4], device="meta"), k, s, p).numel()


def incoming(rng, x, cfg, device):
    k, s, p = cfg[4:]
    shape = tuple(F.max_pool2d(torch.zeros(x.shape, device="meta"), k, s, p).shape)
    return kit.adversarial(rng, shape, device=device)


def test_max_forward(learner, device, rng):
    """max_pool2d equals F.max_pool2d exactly: non-square kernels and strides, padding, stride=None (the kernel
    size), overlapping windows, windows that leave the last rows uncovered, batches of one."""
    for cfg in CONFIGS:
        forward_matches(learner, "max_pool2d", draw(rng, cfg, device), cfg)


def test_max_padding_is_never_the_maximum(learner, device, rng):
    """Max pooling pads with -inf: on an all-negative input a window that overlaps the padding still returns its
    largest real value (never the 0 of zero padding), for every padded configuration; also for finite inputs far
    below any "very negative" stand-in for -inf (float64 values near -1e300), and for an input where every element is
    the most negative finite float64 (-finfo.max: a padding of -finfo.max would tie and take the gradient)."""
    for cfg in [c for c in CONFIGS if c[6] != 0]:
        x = -kit.positive(rng, cfg[:4], low=0.5, high=4.0, device=device)
        forward_matches(learner, "max_pool2d", x, cfg, f"an all-negative {describe(cfg)}")
        g = incoming(rng, x, cfg, device)
        backward_matches(learner, "max_pool2d", x, g, cfg, f"an all-negative {describe(cfg)}")
    lowest = -torch.finfo(torch.float64).max
    for cfg in [c for c in CONFIGS if c[6] != 0][:3]:
        for x, what in ((-kit.positive(rng, cfg[:4], low=0.5, high=4.0, device=device) * 1e300,
                         f"finite values near -1e300 (pad with -inf, not a finite sentinel), {describe(cfg)}"),
                        (torch.full(cfg[:4], lowest, dtype=torch.float64, device=device),
                         f"every element -finfo(float64).max (pad with -inf, not a finite sentinel; every window "
                         f"is a tie there, so its gradient goes to the window's first maximum, in row-major order), "
                         f"{describe(cfg)}")):
            forward_matches(learner, "max_pool2d", x, cfg, what)
            backward_matches(learner, "max_pool2d", x, incoming(rng, x, cfg, device), cfg, what)


def far_block(rng, cfg, device):
    """float64 values of two magnitudes: a top-left block near 1e8 (all positive, so no window sum cancels) and small
    values of both signs elsewhere. A window of small values must still be its own small, accurate average: a sum taken
    over the window gives it to 1e-12, while a difference of running sums (a summed-area table, cumsum) carries the
    rounding of the 1e8 block into every later window, about 1e-8 off."""
    n, c, h, w = cfg[:4]
    x = torch.rand(n, c, h, w, generator=rng, dtype=torch.float64) * 2 - 1
    x[..., : (h + 1) // 2, : (w + 1) // 2] = 1e8 * (1 + torch.rand(n, c, (h + 1) // 2, (w + 1) // 2, generator=rng,
                                                                     dtype=torch.float64))
    return x.to(device)


def test_avg_forward(learner, device, rng):
    """avg_pool2d equals F.avg_pool2d (float64, 1e-12) on the same configurations, also where large and small values
    share an input (each window's average accurate on its own: no running sums). Called inside a caller's no_grad
    block, neither pooling leaves grad mode switched on."""
    for cfg in CONFIGS:
        forward_matches(learner, "avg_pool2d", draw(rng, cfg, device), cfg)
    for cfg in (CONFIGS[2], CONFIGS[7]):
        forward_matches(learner, "avg_pool2d", far_block(rng, cfg, device), cfg,
                        f"{describe(cfg)}, a block of values near 1e8 at the top left and small values elsewhere")
    cfg = CONFIGS[0]
    for name in ("avg_pool2d", "max_pool2d"):
        if learner.probe("grad_mode_after_no_grad", name, draw(rng, cfg, device), *cfg[4:]) is not False:
            raise CheckFailure(f"{name} called inside torch.no_grad() left grad mode on after it: the caller's no_grad "
                               "block no longer holds for the code after the call",
                               "never call torch.set_grad_enabled(True) here: whether a graph is recorded is the "
                               "caller's choice")


def test_avg_divides_by_the_window_area(learner, device, rng):
    """Every average divides by kH*kW, padded zeros included (count_include_pad=True), for non-square kernels and
    strides: a constant input c gives c inside and c * (real elements) / (kH*kW) at padded borders (the seed's
    formula divides by one side of the window and sums one axis)."""
    for cfg in [c for c in CONFIGS if c[6] != 0] + [(1, 1, 5, 9, (2, 3), (1, 2), 0)]:
        x = torch.full(cfg[:4], 1.5, dtype=torch.float64, device=device)
        forward_matches(learner, "avg_pool2d", x, cfg, f"a constant 1.5 {describe(cfg)}")


def test_max_backward_routes_to_the_maximum(learner, device, rng):
    """The gradient of max_pool2d goes to each window's maximum, scaled by the incoming gradient (zeros and
    negative values included), and nowhere else; also for two calls made before one backward, and for calls in turn
    on inputs of one size with other geometries."""
    for cfg in CONFIGS:
        x = distinct(rng, cfg[:4], device)
        backward_matches(learner, "max_pool2d", x, incoming(rng, x, cfg, device), cfg)
    two_calls_match(learner, "max_pool2d", rng, device, lambda r, cfg, d: distinct(r, cfg[:4], d))
    same_size_calls_match(learner, "max_pool2d", rng, device, lambda r, cfg, d: distinct(r, cfg[:4], d))


def test_max_backward_ties_go_to_the_first(learner, device, rng):
    """Tied maxima: the whole gradient goes to the first maximal element of the window in row-major order (top row
    first, then leftmost), as torch does; checked on a constant input with overlapping padded windows and on inputs
    of a few integer values (many ties)."""
    cfg = (1, 1, 4, 5, 3, 1, 1)
    x = torch.full((1, 1, 4, 5), -2.0, dtype=torch.float64, device=device)  # every real element ties
    g = torch.arange(1.0, 21.0, dtype=torch.float64, device=device).reshape(1, 1, 4, 5)
    backward_matches(learner, "max_pool2d", x, g, cfg, "a constant input, 3x3 windows, stride 1, padding 1")
    # 2x2 windows whose tied maxima sit where row-major, column-major, last-first and anti-diagonal orders disagree:
    # [[0, 5], [5, 0]] (row-major: top right; column-major: bottom left), [[5, 0], [0, 5]], [[0, 0], [5, 5]],
    # [[0, 5], [0, 5]]; then the same rows in 2x3 windows, and with stride 1 (overlapping windows)
    fixed = torch.tensor([[0.0, 5, 5, 0, 0, 5], [5, 0, 0, 5, 0, 5], [0, 0, 0, 5, 1, 1], [5, 5, 0, 5, 5, 1]],
                         dtype=torch.float64, device=device).reshape(1, 1, 4, 6)
    for cfg in ((1, 1, 4, 6, 2, 2, 0), (1, 1, 4, 6, (2, 3), (2, 3), 0), (1, 1, 4, 6, 2, 1, 0),
                (1, 1, 4, 6, (2, 3), 1, (1, 1))):
        g = torch.arange(1.0, 1.0 + _outputs(cfg), dtype=torch.float64, device=device).reshape(
            incoming(rng, fixed, cfg, device).shape)
        backward_matches(learner, "max_pool2d", fixed, g, cfg, f"windows with tied maxima, {describe(cfg)}")
    for cfg in CONFIGS:
        x = torch.randint(-1, 2, cfg[:4], generator=rng).to(device, torch.float64)
        x[0, 0, :2, :2] = 1.0  # at least one window with a tie for its maximum
        backward_matches(learner, "max_pool2d", x, incoming(rng, x, cfg, device), cfg,
                         f"values in {{-1, 0, 1}}, {describe(cfg)}")


def test_overlapping_windows_accumulate(learner, device, rng):
    """Where windows overlap, an element's gradient is the sum over every window it serves: the one large value in
    the middle of a 5x5 input is the maximum of all nine 3x3 stride-1 windows; average pooling with overlaps too."""
    x = distinct(rng, (1, 1, 5, 5), device)
    x[0, 0, 2, 2] = 100.0
    g = kit.adversarial(rng, (1, 1, 3, 3), device=device)
    got = grad_of(learner.function("max_pool2d"), x, g, 3, 1, 0)
    expect_close(got, grad_of(F.max_pool2d, x, g, 3, 1, 0), **F64,
                 what="the gradient of max_pool2d for an element that is the maximum of nine overlapping windows")
    for cfg in [(1, 2, 6, 7, 3, 1, 1), (2, 1, 7, 6, (3, 4), (2, 1), (1, 2))]:
        x = draw(rng, cfg, device)
        backward_matches(learner, "avg_pool2d", x, incoming(rng, x, cfg, device), cfg)


def test_avg_backward_spreads_evenly(learner, device, rng):
    """The gradient of avg_pool2d gives every element of a window 1/(kH*kW) of that window's gradient, summed over
    its windows; padded positions' shares are dropped, uncovered elements get 0; also for two calls made before one
    backward, and for calls in turn on inputs of one size with other geometries."""
    for cfg in CONFIGS:
        x = draw(rng, cfg, device)
        backward_matches(learner, "avg_pool2d", x, incoming(rng, x, cfg, device), cfg)
    two_calls_match(learner, "avg_pool2d", rng, device, draw)
    same_size_calls_match(learner, "avg_pool2d", rng, device, draw)


def test_backward_returns_the_input_gradient_and_nones(learner, device, rng):
    """backward itself returns four values: the gradient for x (x's shape and dtype) and None for kernel_size,
    stride and padding."""
    cfg = (2, 2, 7, 6, (3, 2), (2, 1), (1, 1))
    x = distinct(rng, cfg[:4], device)
    g = incoming(rng, x, cfg, device)
    for name, cls in FUNCTIONS.items():
        got = learner.probe("raw_backward", cls, x, *cfg[4:], g)
        if isinstance(got, str):
            raise CheckFailure(f"{cls}.apply(x, ...) must return a tensor that is part of the graph when x requires "
                               "grad (it has no grad_fn)")
        if not isinstance(got, list) or len(got) != 4:
            raise CheckFailure(f"{cls}.backward must return four values, one per input of forward (x, kernel_size, "
                               "stride, padding)", f"it returned {summarize(got)}")
        if any(v is not None for v in got[1:]):
            raise CheckFailure(f"{cls}.backward must return None for kernel_size, stride and padding",
                               f"it returned {summarize(got[1:])}")
        expect_tensor(got[0], what=f"the gradient {cls}.backward returns for x", shape=x.shape, dtype=x.dtype)
        expect_close(got[0], grad_of(TORCH[name], x, g, *cfg[4:]), **F64,
                     what=f"the gradient {cls}.backward returns for x")


def test_gradcheck(learner, device, rng):
    """torch.autograd.gradcheck passes for both (float64; max pooling on inputs without ties)."""
    for name in TORCH:
        for k, s, p in (((3, 2), (2, 1), 1), (2, 1, 0)):
            x = distinct(rng, (1, 2, 5, 4), device).requires_grad_()
            fn = learner.function(name)
            check_gradients(lambda t: fn(t, k, s, p), (x,), fast=True, reference=lambda t: TORCH[name](t, k, s, p),
                            what=f"{name}(x, kernel_size={k}, stride={s}, padding={p})")


# float16 / bfloat16: the task fixes the dtype ("the results keep x's dtype") but no tolerance, so the values are
# compared with a float64 reference only loosely (a sum of 9 shares rounded in the low dtype at every addition stays
# well inside these)
LOW = {torch.float16: dict(rtol=2e-2, atol=2e-2), torch.bfloat16: dict(rtol=5e-2, atol=1e-1)}


def test_dtypes(learner, device, rng):
    """float32 inputs give float32 outputs and gradients, float64 stays float64: max pooling's output exact, average
    pooling's within 1e-5 (float32) and 1e-12 (float64), gradients within the same tolerances (overlapping windows).
    float16 and bfloat16 inputs give outputs and gradients of that same dtype (never promoted to float32), max
    pooling's output exact, the rest close to torch's float64 results."""
    cfg = (2, 3, 7, 6, 3, 2, 1)
    for name in TORCH:
        for dtype in (torch.float32, torch.float64):
            x = draw(rng, cfg, device, dtype)
            g = incoming(rng, x, cfg, device).to(dtype)
            tol = EXACT if name == "max_pool2d" else GRAD[dtype]
            expect_close(learner.call(name, x, *cfg[4:]), TORCH[name](x, *cfg[4:]), **tol,
                         what=f"{name} in {dtype}")
            expect_close(grad_of(learner.function(name), x, g, *cfg[4:]), grad_of(TORCH[name], x, g, *cfg[4:]),
                         **GRAD[dtype], what=f"the gradient of {name} in {dtype}")
        for dtype in LOW:
            x = kit.adversarial(rng, cfg[:4], scale=1.0).to(device, dtype)
            g = kit.adversarial(rng, tuple(F.max_pool2d(torch.zeros(cfg[:4], device="meta"), *cfg[4:]).shape),
                                scale=1.0).to(device, dtype)
            out = learner.call(name, x, *cfg[4:])
            expect_tensor(out, what=f"{name} of a {dtype} x (it keeps x's dtype)", dtype=dtype)
            want = TORCH[name](x.double(), *cfg[4:])
            if name == "max_pool2d":
                expect_close(out, want.to(dtype), **EXACT, what=f"{name} in {dtype}")
            else:
                expect_close(out.double(), want, **LOW[dtype], what=f"{name} in {dtype}")
            grad = grad_of(learner.function(name), x, g, *cfg[4:])
            expect_tensor(grad, what=f"the gradient of {name} for a {dtype} x (x's dtype)", shape=x.shape, dtype=dtype)
            expect_close(grad.double(), grad_of(TORCH[name], x.double(), g.double(), *cfg[4:]), **LOW[dtype],
                         what=f"the gradient of {name} in {dtype}")


def test_noncontiguous_inputs(learner, device, rng):
    """Transposed, strided and channels-last views of the same values (and a non-contiguous incoming gradient)
    give the same outputs and gradients."""
    cfg = (2, 3, 6, 5, (3, 2), (2, 1), (1, 0))
    x = distinct(rng, cfg[:4], device)
    g = incoming(rng, x, cfg, device)
    for name in TORCH:
        found = learner.probe("noncontiguous", name, x, *cfg[4:], g)
        if not isinstance(found, dict):
            raise CheckFailure(f"{name} could not be run on non-contiguous inputs", f"received {summarize(found)}")
        want_out, want_grad = TORCH[name](x, *cfg[4:]), grad_of(TORCH[name], x, g, *cfg[4:])
        for layout in ("transposed", "strided", "channels-last"):
            pair = found.get(layout)
            if not isinstance(pair, list) or len(pair) != 2:
                raise CheckFailure(f"{name} on a {layout} input returned {summarize(pair)}")
            expect_close(pair[0], want_out, **TOL[name], what=f"{name} of a {layout} (non-contiguous) x")
            expect_close(pair[1], want_grad, **F64, what=f"the gradient of {name} for a {layout} x")
