"""Hidden graders for int8-weight-quantization: exact int8 values (ties included), scales, error bounds, zero rows,
dequantize, and a QuantLinear whose output is checked against the dequantized weight in the judge.

torch's quantization kernels are switched off in the worker (bans, ban_ops): code that relies on them fails every
grader that runs it.
"""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor
from grader.judge.remote import received_info


def weights(rng, rows=12, cols=20, dtype=torch.float32):
    """Rows of very different sizes. In float64, a quarter of each row (not its largest entry) is planted 1e-9 to
    1e-8 from a half-integer multiple of the row's scale, and of the whole tensor's: there w / scale rounds the same
    way whichever way it is computed in float64, and either way at random when computed in float32."""
    w = torch.randn(rows, cols, generator=rng, dtype=torch.float64) * torch.logspace(-3, 1, rows, dtype=torch.float64)[:, None]
    if dtype == torch.float64 and cols > 1:
        top = w.abs().argmax(dim=1)
        for scale_of in (lambda r: w[r].abs().max() / 127, lambda r: w.abs().max() / 127):
            for r in range(rows):
                scale = scale_of(r)
                for c in torch.randperm(cols, generator=rng)[:max(1, cols // 8)].tolist():
                    if c == int(top[r]):
                        continue
                    k = int(torch.randint(-120, 120, (1,), generator=rng))
                    if abs((k + 0.5) * scale) >= w[r].abs().max():
                        continue
                    delta = float(torch.empty(()).uniform_(1e-9, 1e-8, generator=rng)) * (1 if k % 2 else -1)
                    w[r, c] = (k + 0.5 + delta) * scale
    return w.to(dtype)


def reference(w, per_channel):
    """The scale in w's dtype, the exact quotient w / scale in float64 (to explain a difference), and q computed as the
    task writes it, in w's dtype: clamp(round(w / scale), -127, 127)."""
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    s = scale[:, None] if per_channel else scale
    return scale, w.double() / s.double(), torch.round(w / s).clamp(-127, 127)


def rounding_window(dtype, t):
    """How far from a half-integer w / scale may land through rounding in w's dtype (w * (1 / scale) or
    w * (127 / max) instead of w / scale): a few units in the last place of that dtype."""
    return 16 * torch.finfo(dtype).eps * t.abs().clamp(min=1.0)


def expect_rounded(q, t, want, dtype, what, exact_ties=False):
    """q == clamp(round(w / scale)) in w's dtype; within a few units in the last place of w's dtype from a
    half-integer (but not exactly on one), either neighbour is accepted: the task's formula and its reordered forms
    (a reciprocal, 127 / max) differ there by rounding alone. Further from a tie only the right value is: a quotient
    computed in float32 for float64 weights lands on the wrong side of the planted near-ties. A random weight can
    also sit exactly on a tie, where a reordered form lands a rounding error away from it: accepted too, unless
    exact_ties (the ties test, whose scales 1 and 2 make every form exact)."""
    qd = q.double()
    frac = (t - torch.floor(t)).abs()
    window = rounding_window(dtype, t)
    near = ((frac - 0.5).abs() < window) & ((frac != 0.5) | (not exact_ties))
    ok = (qd == want.double()) | (near & ((qd - t).abs() <= 0.5 + window))
    if bool(ok.all()):
        return
    if bool((~ok & (frac == 0.5)).any()):
        hint = ": at exact ties w / scale = k + 0.5 round half to even, as torch.round does"
    elif bool((~ok & ((frac - 0.5).abs() < 1e-3)).all()):
        hint = (": only values next to a half-integer differ, so the quotient was rounded in another precision: "
                "compute w / scale in w's dtype, with scale in w's dtype")
    else:
        hint = ": q = clamp(round(w / scale), -127, 127)"
    raise CheckFailure(f"q has wrong int8 values ({what}){hint}")


def check_roundtrip(learner, w, per_channel, what, exact_ties=False):
    got = learner.probe("roundtrip", w, per_channel)
    q, scale, deq = got["q"], got["scale"], got["deq"]
    expect_close(got["w_after"], w, rtol=0.0, atol=0.0,
                 what=f"the caller's w after quantize_symmetric ({what}; compute w / scale into a new tensor, do not "
                      "divide or round w in place)")
    expect_tensor(q, what=f"q ({what})", shape=tuple(w.shape), dtype=torch.int8, device=w.device)
    want_scale, t, want_q = reference(w, per_channel)
    expect_close(scale, want_scale, what=f"scale ({what})", rtol=1e-6, atol=0.0)
    expect_rounded(q, t, want_q, w.dtype, what, exact_ties)
    expect_tensor(deq, what=f"dequantize ({what})", shape=tuple(w.shape), dtype=w.dtype, device=w.device)
    bound = (want_scale[:, None] if per_channel else want_scale) / 2 * (1 + 1e-5) + 1e-12
    if not bool(((deq - w).abs() <= bound).all()):
        raise CheckFailure(f"some dequantized weights are off by more than scale / 2 ({what}): round, do not truncate")
    return deq


def test_per_tensor(learner, device, rng):
    """Per tensor: one 0-d scale max|w| / 127 in w's dtype, q = round(w / scale) exactly, errors within scale / 2, in
    float32 and float64, for a non-contiguous w too, and for a w whose largest magnitude is a negative weight."""
    for dtype in (torch.float32, torch.float64):
        check_roundtrip(learner, weights(rng, dtype=dtype).to(device), False, f"per tensor, {str(dtype)[6:]}")
    w = weights(rng, 7, 5).to(device).t().contiguous().t()
    check_roundtrip(learner, w, False, "per tensor, a transposed (non-contiguous) w")
    # the largest magnitude is a negative weight (positive ones too): the scale is max|w| / 127, not max(w) / 127
    w = weights(rng, 6, 5, dtype=torch.float64)
    w.view(-1)[int(torch.randint(0, w.numel(), (), generator=rng))] = -2 * float(w.abs().max())
    check_roundtrip(learner, w.to(device), False,
                    "per tensor, the largest |w| a negative weight (scale = max|w| / 127)")


def test_per_channel(learner, device, rng):
    """Per channel: a (rows,) scale, one per row, q exact, errors within each row's scale / 2 (a square weight and a
    single row included), and a smaller error than per tensor on rows of very different sizes."""
    w = weights(rng).to(device)
    deq_c = check_roundtrip(learner, w, True, "per channel")
    deq_t = check_roundtrip(learner, w, False, "per tensor")
    check_roundtrip(learner, weights(rng, 1, 9, dtype=torch.float64).to(device), True, "per channel, a single row")
    # a square weight: a scale per column (amax over dim 0, or a (rows,) scale broadcast along the last dim) has the
    # right shape here, and only the values tell it from one per row
    check_roundtrip(learner, weights(rng, 8, 8, dtype=torch.float64).to(device), True,
                    "per channel, a square 8 x 8 weight (one scale per row, w[i]: amax over dim 1, divided row by row)")
    if not float(((deq_c - w) ** 2).mean()) < float(((deq_t - w) ** 2).mean()):
        raise CheckFailure("per-channel quantization should be more accurate than per-tensor on rows of different sizes")


def test_rounding_ties(learner, device):
    """round() is torch.round: halves go to the even neighbour (2.5 -> 2, -2.5 -> -2, 3.5 -> 4), which neither
    floor(x + 0.5) nor truncation gives; per channel and per tensor, float32 and float64."""
    w = torch.tensor([[127.0, 2.5, -2.5, 3.5, -0.5, 0.5, 1.5, -3.5],
                      [254.0, 5.0, -5.0, 7.0, -1.0, 1.0, 3.0, 0.0]])  # scales 1 and 2: every ratio exact
    for dtype in (torch.float32, torch.float64):
        check_roundtrip(learner, w.to(device, dtype), True, f"per channel with exact ties, {str(dtype)[6:]}",
                        exact_ties=True)
        check_roundtrip(learner, w[:1].to(device, dtype), False, f"per tensor with exact ties, {str(dtype)[6:]}",
                        exact_ties=True)


def test_zero_rows(learner, device, rng):
    """A row of zeros (and an all-zero tensor) gets scale 1 and dequantizes to exact zeros."""
    w = weights(rng, rows=4).to(device)
    w[2] = 0.0
    deq = check_roundtrip(learner, w, True, "with a zero row")
    if not bool((deq[2] == 0).all()):
        raise CheckFailure("a row of zeros must dequantize to zeros")
    check_roundtrip(learner, torch.zeros(3, 5, device=device), False, "an all-zero tensor")


def test_dequantize(learner, device, rng):
    """dequantize(q, scale) is q * scale in scale's dtype: a 0-d scale for the whole tensor, a (rows,) scale per row."""
    q = torch.randint(-127, 128, (5, 6), generator=rng, dtype=torch.int8).to(device)
    for scale in (torch.tensor(0.37, dtype=torch.float64), torch.rand(5, generator=rng) + 0.01,
                  torch.rand(5, generator=rng, dtype=torch.float64) * 3):
        scale = scale.to(device)
        want = q.to(scale.dtype) * (scale[:, None] if scale.dim() else scale)
        expect_close(learner.call("dequantize", q, scale), want, rtol=0, atol=0,
                     what=f"dequantize with a {'(rows,)' if scale.dim() else '0-d'} {str(scale.dtype)[6:]} scale")


def linear_case(rng, dtype, bias=True):
    """Rows of very different sizes, so that per-tensor quantization visibly changes the small rows' outputs."""
    w = weights(rng, 16, 32, dtype=torch.float64)
    b = torch.randn(16, generator=rng, dtype=torch.float64) if bias else None
    x = torch.randn(8, 32, generator=rng, dtype=torch.float64) * 10
    cast = lambda t: None if t is None else t.to(dtype)
    return cast(w), cast(b), cast(x)


def test_quant_linear(learner, device, rng):
    """QuantLinear.from_float(linear, per_channel): its forward equals F.linear(x, dequantize(q, scale), bias)
    computed in the judge (not the float Linear, whose outputs differ clearly here), even after the original Linear's
    weight and bias are overwritten (after a first forward, and before any), and it requires no grad; its state_dict holds the weight as int8 of the weight's
    shape, equal to q, and no float copy of it; from_float leaves the Linear's weight and bias as they were. Per
    channel and per tensor, with and without bias, float32 and float64, and from_float(linear) without per_channel,
    whose default is per channel; for 1-D and 3-D inputs too; and after load_state_dict of another int8 weight, the
    forward uses that weight."""
    for per_channel, dtype, bias in ((True, torch.float32, True), (False, torch.float32, True),
                                     (True, torch.float64, False), (False, torch.float64, True),
                                     (None, torch.float64, True)):
        default = per_channel is None
        per_channel = True if default else per_channel
        w, b, x = linear_case(rng, dtype, bias)
        w, x = w.to(device), x.to(device)
        b = None if b is None else b.to(device)
        scale, t, want_q = reference(w, per_channel)
        what = f"QuantLinear ({'per channel' if per_channel else 'per tensor'}, {str(dtype)[6:]}, " \
               f"{'with' if bias else 'no'} bias)"
        if default:
            what = "QuantLinear from from_float(linear), per_channel left at its default (True: per channel)"
        got = learner.probe("quant_linear", w, b, None if default else per_channel, x)
        left = got.get("left") if isinstance(got.get("left"), dict) else {}
        expect_close(left.get("weight"), w, rtol=0.0, atol=0.0,
                     what=f"the float Linear's weight after from_float ({what}; quantize a copy, change nothing)")
        if b is not None:
            expect_close(left.get("bias"), b, rtol=0.0, atol=0.0,
                         what=f"the float Linear's bias after from_float ({what}; change nothing)")
        state = got["state"] if isinstance(got.get("state"), dict) else {}
        int8 = [k for k, v in state.items() if isinstance(v, torch.Tensor) and v.dtype == torch.int8
                and tuple(v.shape) == tuple(w.shape)]
        if len(int8) != 1:
            raise CheckFailure(f"the state_dict of {what} must hold the weight as one int8 tensor of shape "
                               f"{tuple(w.shape)}")
        q = state[int8[0]].to(device)
        expect_rounded(q, t, want_q, dtype, f"the int8 weight in the state_dict of {what}")
        deq = q.to(dtype) * (scale[:, None] if per_channel else scale)  # the learner's q, checked just above
        want = F.linear(x, deq, b)
        float_out = F.linear(x, w, b)
        tol = dict(rtol=1e-5, atol=1e-4) if dtype == torch.float32 else dict(rtol=1e-10, atol=1e-10)
        assert float((want - float_out).abs().max()) > 100 * (tol["atol"] + tol["rtol"] * float(want.abs().max())), \
            "grader self-check: the float and dequantized outputs must differ clearly"
        expect_close(got["out"], want, **tol, what=f"the output of {what}: it must use the dequantized weight")
        expect_close(got["again"], want, **tol,
                     what=f"the output of {what} after the original Linear's weight and bias changed: copy what you "
                          "need, keep no reference to them")
        expect_close(got.get("early"), want, **tol,
                     what=f"the output of {what} whose original Linear was overwritten after from_float but before "
                          "the QuantLinear's first forward: quantize in from_float and keep no reference to the "
                          "Linear (nor quantize it lazily at the first call)")
        expect_close(got["graded"], want, **tol, what=f"the output of {what} with grad mode on")
        expect_close(got.get("out_1d"), F.linear(x[0], deq, b), **tol,
                     what=f"the output of {what} for a 1-D input (in_features,): a Linear takes it")
        expect_close(got.get("out_3d"), F.linear(x.reshape(2, -1, x.shape[-1]), deq, b), **tol,
                     what=f"the output of {what} for a 3-D input (2, 4, in_features): a Linear takes it")
        expect_close(got.get("flipped"), F.linear(x, -deq, b), **tol,
                     what=f"the output of {what} after load_state_dict of a state whose int8 weight is negated: the "
                          "forward dequantizes the module's own int8 weight (keep no float copy of it)")
        info = received_info(got["graded"])
        if info is not None and info.requires_grad:
            raise CheckFailure(f"the output of {what} requires grad for an input that does not: QuantLinear is "
                               "inference-only (no trainable parameter, no graph back to the float weight)")
        floats = [k for k, v in state.items() if isinstance(v, torch.Tensor) and v.is_floating_point()
                  and v.numel() >= w.numel()]
        if floats:
            raise CheckFailure(f"the state_dict of {what} keeps a float copy of the weight ({', '.join(floats)})")
