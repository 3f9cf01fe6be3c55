"""Hidden graders for conv2d-by-hand: random values (zeros, ties and both signs planted) on fixed configurations
that separate near-miss formulas, plus configurations drawn per run; every reference is torch's F.conv2d (and its
gradients), computed here in the judge."""

import torch
import torch.nn.functional as F

from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_raises, summarize

F64 = dict(rtol=1e-10, atol=1e-10)
F32 = dict(rtol=1e-4, atol=1e-4)
LAYOUTS = ("contiguous", "transposed", "strided", "channels-last")


def data(rng, device, n, c, o, h, w, kh, kw, groups=1, bias=True, dtype=torch.float64):
    x = kit.adversarial(rng, (n, c, h, w), device=device, dtype=dtype)
    weight = kit.adversarial(rng, (o, c // groups, kh, kw), device=device, dtype=dtype)
    b = kit.adversarial(rng, (o,), device=device, dtype=dtype) if bias else None
    return x, weight, b


def same(learner, x, weight, b, what, tol=F64, **kw):
    """The learner's conv2d against F.conv2d with the same arguments (positional, as the task orders them)."""
    args = [kw.get("stride", 1), kw.get("padding", 0), kw.get("dilation", 1), kw.get("groups", 1)]
    got = learner.call("conv2d", x, weight, b, *args)
    want = F.conv2d(x, weight, b, *args)
    expect_close(got, want, what=what, **tol)


def describe(**kw):
    return ", ".join(f"{k}={v}" for k, v in kw.items())


def random_config(rng):
    """A configuration drawn per run: groups, channels, non-square kernel, stride, padding and dilation."""
    r = lambda lo, hi: int(torch.randint(lo, hi + 1, (), generator=rng))
    g = r(1, 3)
    kh, kw, dh, dw = r(1, 3), r(1, 4), r(1, 2), r(1, 2)
    return dict(n=r(1, 3), c=g * r(1, 2), o=g * r(1, 3), h=r(dh * (kh - 1) + 1, 9) + 2, w=r(dw * (kw - 1) + 1, 9),
                kh=kh, kw=kw, groups=g, stride=(r(1, 3), r(1, 2)), padding=(r(0, kh // 2), r(0, kw // 2)),
                dilation=(dh, dw))


def run_config(learner, rng, device, cfg, bias=True, dtype=torch.float64, tol=F64, what="conv2d"):
    shapes = {k: cfg[k] for k in ("n", "c", "o", "h", "w", "kh", "kw")}
    x, weight, b = data(rng, device, **shapes, groups=cfg.get("groups", 1), bias=bias, dtype=dtype)
    kw = {k: cfg[k] for k in ("stride", "padding", "dilation", "groups") if k in cfg}
    same(learner, x, weight, b, f"{what} for x {tuple(x.shape)}, weight {tuple(weight.shape)}, "
         f"{'a bias' if bias else 'no bias'}, {describe(**kw) or 'defaults'}", tol=tol, **kw)


def test_matches_conv2d(learner, device, rng):
    """conv2d equals F.conv2d in float64 (1e-10): batches of 1 and more, non-square inputs and kernels, a 1x1
    kernel, a kernel as large as the input, with and without a bias."""
    for cfg, bias in ((dict(n=2, c=3, o=4, h=7, w=9, kh=3, kw=2), True),
                      (dict(n=1, c=2, o=3, h=5, w=8, kh=2, kw=3), False),
                      (dict(n=3, c=4, o=2, h=6, w=4, kh=1, kw=1), True),
                      (dict(n=1, c=1, o=2, h=4, w=6, kh=4, kw=6), True),
                      (dict(n=2, c=2, o=5, h=3, w=5, kh=3, kw=1), True)):
        run_config(learner, rng, device, cfg, bias)


def test_stride_and_dilation(learner, device, rng):
    """stride and dilation, each an int or a (height, width) pair with different entries (a tuple or a list, as
    F.conv2d accepts both), also for 1x1, 1xk and kx1 kernels."""
    base = dict(n=2, c=2, o=3, h=11, w=10, kh=3, kw=2)
    for kw in (dict(stride=2), dict(stride=(1, 3)), dict(stride=(3, 2)), dict(dilation=2), dict(dilation=(2, 1)),
               dict(dilation=(1, 3), stride=(2, 1)), dict(stride=3, dilation=(3, 2)), dict(stride=[1, 3]),
               dict(dilation=[2, 1], stride=[3, 2]), dict(dilation=[1, 3], stride=2)):
        run_config(learner, rng, device, {**base, **kw})
    # Small kernels take the same stride, padding and dilation (no shortcut for 1x1 or 1-wide kernels).
    for shape, kw in (((1, 1), dict(stride=2)), ((1, 1), dict(stride=(3, 2), padding=(1, 0), dilation=2)),
                      ((1, 1), dict(stride=(1, 2), groups=2)), ((1, 3), dict(stride=(2, 1), padding=(0, 1))),
                      ((2, 1), dict(stride=(1, 3), dilation=(2, 1)))):
        run_config(learner, rng, device, {**base, "c": 4, "o": 4, "kh": shape[0], "kw": shape[1], **kw})


def test_padding(learner, device, rng):
    """Zero padding, an int or a (height, width) pair, a tuple or a list (F.conv2d accepts both): padding=1, (2, 0),
    (0, 2), (1, 3), [1, 3], [0, 2], with strides and dilation."""
    base = dict(n=1, c=3, o=2, h=6, w=7, kh=3, kw=4)
    for kw in (dict(padding=1), dict(padding=(2, 0)), dict(padding=(0, 2)), dict(padding=(1, 3), stride=(2, 3)),
               dict(padding=(3, 1), dilation=(2, 1)), dict(padding=2, stride=2, dilation=2), dict(padding=[1, 3]),
               dict(padding=[0, 2], stride=[2, 1]), dict(padding=[3, 1], dilation=[2, 1])):
        run_config(learner, rng, device, {**base, **kw})


def test_padding_strings(learner, device, rng):
    """padding='valid' (none) and padding='same' (the input's size: d*(k-1) in total, the extra one at the bottom
    and right), with odd and even kernels and dilation."""
    for kh, kw, dilation in ((3, 3, 1), (2, 4, 1), (4, 3, (1, 2)), (2, 2, (3, 2)), (1, 5, 1)):
        base = dict(n=2, c=2, o=3, h=6, w=7, kh=kh, kw=kw, dilation=dilation)
        run_config(learner, rng, device, {**base, "padding": "same"})
        run_config(learner, rng, device, {**base, "padding": "valid"})
    run_config(learner, rng, device, dict(n=1, c=2, o=2, h=5, w=6, kh=2, kw=3, padding="same", stride=(1, 1)))


def test_same_with_stride_raises(learner, device, rng):
    """padding='same' works with stride 1 (an int or (1, 1)) and raises RuntimeError, as torch does, for any other
    stride."""
    x, weight, b = data(rng, device, 1, 2, 3, 6, 6, 3, 3)
    for stride in (1, (1, 1)):
        same(learner, x, weight, b, f"conv2d with padding='same' and stride={stride}", stride=stride, padding="same")
    for stride in (2, (1, 2), (2, 1)):
        expect_raises(lambda: learner.call("conv2d", x, weight, b, stride, "same"), "RuntimeError",
                      what=f"conv2d with padding='same' and stride={stride}")


def test_groups_and_depthwise(learner, device, rng):
    """groups: output channel o reads only its own group's input channels; groups=2, groups=3, depthwise
    (groups = C = O) and depthwise with a channel multiplier (O = 2C)."""
    for cfg in (dict(n=2, c=4, o=6, h=6, w=5, kh=3, kw=2, groups=2),
                dict(n=1, c=6, o=3, h=5, w=5, kh=2, kw=2, groups=3, stride=(2, 1)),
                dict(n=2, c=3, o=3, h=7, w=6, kh=3, kw=3, groups=3, padding=1),
                dict(n=1, c=3, o=6, h=6, w=8, kh=2, kw=3, groups=3, padding="same", dilation=(1, 2)),
                dict(n=1, c=4, o=4, h=5, w=6, kh=1, kw=2, groups=2)):
        run_config(learner, rng, device, cfg)
    run_config(learner, rng, device, random_config(rng), what="conv2d (a configuration drawn for this run)")


def test_noncontiguous_inputs(learner, device, rng):
    """The same values in non-contiguous layouts (transposed, strided slices, channels-last, an expanded batch, a
    strided bias) give the same result as contiguous ones, with padding and without (where no F.pad copy is made)."""
    x, weight, b = data(rng, device, 1, 3, 4, 6, 7, 3, 2)
    for args in (((2, 1), (1, 0), 1, 1), (1, "same", (1, 2), 1), ((1, 2), 0, (2, 1), 1)):
        found = learner.probe("noncontiguous", x, weight, b, *args)
        if not isinstance(found, dict):
            raise CheckFailure("conv2d could not be run on non-contiguous inputs", f"received {summarize(found)}")
        want = F.conv2d(x, weight, b, *args)
        for layout in [f"{a}/{w}" for a in LAYOUTS for w in LAYOUTS]:
            xn, wn = layout.split("/")
            expect_close(found.get(layout), want, what=f"conv2d with a {xn} input and a {wn} weight", **F64)
        expect_close(found.get("expanded"), F.conv2d(x.expand(3, -1, -1, -1), weight, b, *args),
                     what="conv2d with an expanded batch (one sample repeated by a stride-0 view)", **F64)


def test_dtypes(learner, device, rng):
    """The result keeps x's dtype: float32 inputs give float32 within 1e-4 of torch's, float64 inputs float64 within
    1e-10 (the same configurations in both), and bfloat16 inputs bfloat16 (values to bfloat16's precision)."""
    for cfg in (dict(n=2, c=4, o=4, h=9, w=8, kh=3, kw=3, stride=(2, 1), padding=1, groups=2),
                dict(n=1, c=3, o=2, h=6, w=6, kh=2, kw=3, padding="same", dilation=(2, 1))):
        run_config(learner, rng, device, cfg, dtype=torch.float32, tol=F32, what="conv2d in float32")
        run_config(learner, rng, device, cfg, dtype=torch.float64, tol=F64, what="conv2d in float64")
    # any dtype, not only the two named: a bfloat16 input gives a bfloat16 result (the dtype exactly, the values
    # loosely)
    cfg = dict(n=2, c=4, o=4, h=7, w=6, kh=3, kw=2, stride=(1, 2), padding=1, groups=2)
    x, weight, b = data(rng, device, **{k: cfg[k] for k in ("n", "c", "o", "h", "w", "kh", "kw", "groups")},
                        dtype=torch.bfloat16)
    args = (cfg["stride"], cfg["padding"], 1, cfg["groups"])
    what = f"conv2d in bfloat16 for x {tuple(x.shape)}, weight {tuple(weight.shape)}, {describe(**cfg)}"
    from grader.judge.session import LearnerError

    try:
        got = learner.call("conv2d", x, weight, b, *args)
    except LearnerError as e:
        raise CheckFailure(f"{what} could not be computed: keep every tensor in x's dtype, whatever it is",
                           e.summary()) from None
    want = F.conv2d(x.double(), weight.double(), b.double(), *args)
    # bfloat16 keeps 8 significant bits: a sum of C*kH*kW products rounded in bfloat16 (or computed wider and cast back)
    # is within a few of its steps of the float64 value, measured against the sum of the products' magnitudes
    bound = F.conv2d(x.double().abs(), weight.double().abs(), b.double().abs(), *args)
    kit.expect_half(got, want, what=what, scale=bound, rtol=3e-2, atol=1e-2,
                    hint="the result keeps x's dtype whatever it is, half precision included: build every tensor "
                         "from x and weight (or with dtype=x.dtype), never with a default dtype or a choice between "
                         "float32 and float64")


def grads(fn, x, weight, b, cot, args):
    leaves = [t.detach().clone().requires_grad_() for t in (x, weight, b)]
    out = fn(*leaves, *args)
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        raise CheckFailure("conv2d must return a tensor that is part of the graph when its inputs require grad",
                           f"it returned {summarize(out)}")
    got = torch.autograd.grad(out, leaves, cot, allow_unused=True)
    return got


def test_gradients(learner, device, rng):
    """The gradients for x, weight and bias equal those of F.conv2d (strides, padding, dilation and groups), an
    all-zero bias included (it still gets its gradient: a bias is added whenever one is given)."""
    fn = learner.function("conv2d")
    for cfg, args, zero_bias in ((dict(n=2, c=4, o=6, h=7, w=6, kh=3, kw=2), ((2, 1), (1, 2), (1, 2), 2), False),
                                 (dict(n=1, c=3, o=3, h=6, w=5, kh=2, kw=3), (1, "same", (2, 1), 3), False),
                                 (dict(n=2, c=2, o=3, h=5, w=6, kh=2, kw=3), (1, 0, 1, 1), True)):
        x, weight, b = data(rng, device, **cfg, groups=args[3])
        if zero_bias:
            b = torch.zeros_like(b)
        cot = kit.adversarial(rng, tuple(F.conv2d(x, weight, b, *args).shape), device=device)
        got = grads(fn, x, weight, b, cot, args)
        want = grads(F.conv2d, x, weight, b, cot, args)
        for name, g, w in zip(("x", "weight", "bias"), got, want):
            if g is None:
                raise CheckFailure(f"no gradient reaches {name}: build the result from differentiable operations")
            expect_close(g, w, what=f"the gradient for {name} ({describe(stride=args[0], padding=args[1])}, "
                         f"dilation={args[2]}, groups={args[3]})", **F64)


def test_gradcheck(learner, device, rng):
    """torch.autograd.gradcheck passes for x, weight and bias (float64, stride, padding, dilation and groups)."""
    fn = learner.function("conv2d")
    x, weight, b = data(rng, device, 1, 2, 2, 4, 5, 2, 3, groups=2)
    inputs = tuple(t.requires_grad_() for t in (x, weight, b))
    check_gradients(lambda a, w, c: fn(a, w, c, (1, 2), (1, 0), (2, 1), 2), inputs, fast=True,
                    reference=lambda a, w, c: F.conv2d(a, w, c, (1, 2), (1, 0), (2, 1), 2),
                    what="conv2d(stride=(1, 2), padding=(1, 0), dilation=(2, 1), groups=2)")


def expect_size(got, want, what):
    if type(got) is not tuple or len(got) != 2 or any(type(v) is not int for v in got):
        raise CheckFailure(f"{what} must be a tuple of two Python ints", f"received {summarize(got)}")
    if got != want:
        wrong = [name for name, a, b in zip(("height", "width"), got, want) if a != b]
        raise CheckFailure(f"{what} gives the wrong {' and '.join(wrong)}: floor((h + 2p - d(k - 1) - 1) / s) + 1 per "
                           "dimension, each of kernel_size, stride, padding and dilation an int (both dimensions) or "
                           "a (height, width) pair")


def test_output_size(learner, rng):
    """conv2d_output_size gives F.conv2d's output height and width, floor((h + 2p - d(k - 1) - 1) / s) + 1 per
    dimension, for ints and pairs, tuples or lists (with uneven divisions, dilation and asymmetric pairs), as Python
    ints, also for an input far too large to convolve, and 0 where the kernel's span just exceeds the padded input
    (the numerator is negative but above -s: floor gives 0, truncation toward zero would give 1)."""
    cases = [(28, 28, 3, 1, 1, 1), (28, 28, 3, 1, 0, 1), (13, 13, 3, 2, 1, 1), (7, 7, 7, 1, 3, 1),
             (10, 9, (3, 2), (2, 3), (1, 0), (2, 1)), (9, 12, (1, 4), (3, 2), (0, 2), (1, 3)),
             (8, 8, 2, 3, 0, 2), (5, 17, (5, 3), 1, (2, 1), (1, 4)),
             (10, 9, [3, 2], [2, 3], [1, 0], [2, 1]), (9, 12, [1, 4], 2, [0, 2], [1, 3]),
             (200_000, 90_001, (7, 4), (3, 5), (3, 2), (2, 3))]  # no convolution could run at this size
    r = lambda lo, hi: int(torch.randint(lo, hi + 1, (), generator=rng))
    for _ in range(12):
        k, d = (r(1, 5), r(1, 5)), (r(1, 3), r(1, 3))
        cases.append((r(d[0] * (k[0] - 1) + 1, 40), r(d[1] * (k[1] - 1) + 1, 40), k, (r(1, 4), r(1, 4)),
                      (r(0, k[0] // 2), r(0, k[1] // 2)), d))
    for h, w, k, s, p, d in cases:
        kk = k if isinstance(k, (tuple, list)) else (k, k)
        want = tuple(F.conv2d(torch.zeros(1, 1, h, w, device="meta"), torch.zeros(1, 1, *kk, device="meta"), None,
                              s, p, d).shape[2:])
        expect_size(learner.call("conv2d_output_size", h, w, k, s, p, d), want,
                    f"conv2d_output_size(h, w, kernel_size={k!r}, stride={s!r}, padding={p!r}, dilation={d!r})")
    pair = lambda v: v if isinstance(v, tuple) else (v, v)
    for h, w, k, s, p, d in ((2, 2, 3, 2, 0, 1), (5, 4, (3, 6), (3, 4), 0, (3, 1)), (9, 3, (3, 4), (2, 3), (1, 0), 1),
                             (4, 10, (2, 3), (5, 2), (0, 1), (4, 2))):
        want = tuple((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1
                     for n, kk, ss, pp, dd in zip((h, w), pair(k), pair(s), pair(p), pair(d)))
        expect_size(learner.call("conv2d_output_size", h, w, k, s, p, d), want,
                    "conv2d_output_size where the kernel's span exceeds the padded input (the formula's floor rounds "
                    "a negative quotient down, so no output position fits: use floor division, not truncation)")


def test_output_size_strings(learner):
    """conv2d_output_size with padding='valid' (no padding) and padding='same' (the input's size): the padding strings
    apply to both functions."""
    for h, w, k, d in ((9, 7, 3, 1), (6, 11, (2, 4), (3, 1)), (5, 5, 5, 1), (12, 6, (1, 3), 2), (8, 9, [2, 3], [1, 2]),
                       (150_001, 70_000, (4, 5), (3, 2))):  # the last: too large for any convolution to run
        kk = k if isinstance(k, (tuple, list)) else (k, k)
        for padding in ("valid", "same"):
            want = tuple(F.conv2d(torch.zeros(1, 1, h, w, device="meta"), torch.zeros(1, 1, *kk, device="meta"),
                                  None, 1, padding, d).shape[2:])
            expect_size(learner.call("conv2d_output_size", h, w, k, 1, padding, d), want,
                        f"conv2d_output_size with padding='{padding}'")
