"""Hidden graders for int8-weight-quantization: error bounds, full range, per-channel gains, zero rows, QuantLinear."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def weights(rng, device, rows=12, cols=20):
    w = torch.randn(rows, cols, generator=rng) * torch.logspace(-3, 1, rows)[:, None]
    return w.to(device)


def check_roundtrip(learner, w, per_channel, what):
    got = learner.probe("roundtrip", w, per_channel)
    q, scale, deq = got["q"], got["scale"], got["deq"]
    expect_tensor(q, what=f"q ({what})", shape=tuple(w.shape), dtype=torch.int8, device=w.device)
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    want_scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    expect_close(scale, want_scale, what=f"scale ({what})", rtol=1e-6, atol=0.0)
    if int(q.abs().max()) > 127:
        raise CheckFailure(f"q leaves [-127, 127] ({what})")
    expect_tensor(deq, what=f"dequantize ({what})", shape=tuple(w.shape), dtype=w.dtype, device=w.device)
    bound = (want_scale[:, None] if per_channel else want_scale) / 2 * (1 + 1e-5) + 1e-12
    if not bool(((deq - w).abs() <= bound).all()):
        raise CheckFailure(f"some dequantized weights are off by more than scale / 2 ({what}): round, do not truncate")
    return deq


def test_per_tensor(learner, device, rng):
    """Per tensor: one scale max|w| / 127, errors within scale / 2, in float32 and float64."""
    for dtype in (torch.float32, torch.float64):
        check_roundtrip(learner, weights(rng, device).to(dtype), False, f"per tensor, {dtype}")


def test_per_channel(learner, device, rng):
    """Per channel: one scale per row, errors within each row's scale / 2, and a smaller error than per tensor."""
    w = weights(rng, device)
    deq_c = check_roundtrip(learner, w, True, "per channel")
    deq_t = check_roundtrip(learner, w, False, "per tensor")
    if not float(((deq_c - w) ** 2).mean()) < float(((deq_t - w) ** 2).mean()):
        raise CheckFailure("per-channel quantization should be more accurate than per-tensor on rows of different sizes")


def test_zero_rows(learner, device, rng):
    """A row of zeros (and an all-zero tensor) gets scale 1 and dequantizes to exact zeros."""
    w = weights(rng, device, rows=4)
    w[2] = 0.0
    deq = check_roundtrip(learner, w, True, "with a zero row")
    if not bool((deq[2] == 0).all()):
        raise CheckFailure("a row of zeros must dequantize to zeros")
    check_roundtrip(learner, torch.zeros(3, 5, device=device), False, "an all-zero tensor")


def test_quant_linear(learner, device, rng):
    """QuantLinear matches the float Linear within 1% relative error and stores its weight as int8 only."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    x = torch.randn(8, 32, generator=rng).to(device)
    got = learner.probe("quant_linear", seed, True, x)
    if not got["int8"] or got["float_weights"]:
        raise CheckFailure("QuantLinear's state_dict must hold the weight as int8 (qweight) and no float copy of it")
    rel = float((got["out"] - got["want"]).norm() / got["want"].norm())
    if not rel < 1e-2:
        raise CheckFailure("QuantLinear's output is off by more than 1% (relative) from the float Linear's")


def test_no_torch_quantization(learner, source, device, rng):
    """torch's quantization functions are not used, and the per-tensor round trip still works."""
    from grader.judge.checks import banned_names_used

    used = banned_names_used(source, ["torch.quantize_per_tensor", "torch.quantize_per_channel",
                                      "torch.ao.quantization.quantize_dynamic"])
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: quantize with tensor arithmetic yourself")
    check_roundtrip(learner, weights(rng, device), False, "per tensor")
