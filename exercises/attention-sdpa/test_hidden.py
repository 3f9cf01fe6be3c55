"""Hidden graders for attention-sdpa: random shapes, masks and magnitudes, against F.scaled_dot_product_attention.

Every reference is torch's own attention, computed here in the judge. The functions are called with
plain tensors; gradients come from ``learner.function`` (the learner's backward, run in the worker).
"""

import math

import torch
import torch.nn.functional as F

from grader.judge.checks import (CheckFailure, check_gradients, expect_close, expect_raises, expect_tensor,
                                 received_info)
from grader.wire import keep_layout  # a tensor marked so crosses to the worker with its strides (else contiguous)

NEG_INF = float("-inf")


def qkv(rng, device, batch=(2, 3), L=4, S=6, E=5, Ev=3, dtype=torch.float64, scale=1.0):
    g = lambda *s: (torch.randn(*s, generator=rng, dtype=torch.float64) * scale).to(device, dtype)
    return g(*batch, L, E), g(*batch, S, E), g(*batch, S, Ev)


def bool_mask(rng, device, shape, p=0.4):
    """A random boolean mask whose every row keeps at least one key (all-masked rows are tested on their own)."""
    mask = torch.rand(*shape, generator=rng) > p
    mask[..., int(torch.randint(0, shape[-1], (), generator=rng))] = True
    return mask.to(device)


def sdpa(learner, *args, **kwargs):
    return learner.call("scaled_dot_product_attention", *args, **kwargs)


def same(learner, q, k, v, what, rtol=1e-11, atol=1e-12, **kwargs):
    expect_close(sdpa(learner, q, k, v, **kwargs), F.scaled_dot_product_attention(q, k, v, **kwargs), rtol=rtol,
                 atol=atol, what=what)


def test_matches_sdpa_without_mask(learner, device, rng):
    """Without a mask the output equals F.scaled_dot_product_attention, for any batch dims, float32 and float64,
    and for non-contiguous inputs (k and v transposed in storage; q, k and v split into heads as
    (B, L, H, E).transpose(1, 2), whose batch dims cannot be merged by a view)."""
    for batch, L, S in (((2, 3), 4, 6), ((5,), 1, 7), ((), 3, 3), ((1, 2, 1), 5, 2)):
        q, k, v = qkv(rng, device, batch, L, S)
        same(learner, q, k, v, f"attention for q {tuple(q.shape)}, k {tuple(k.shape)}")
    q, k, v = qkv(rng, device, dtype=torch.float32)
    same(learner, q, k, v, "attention in float32", rtol=1e-5, atol=1e-6)
    q, k, v = qkv(rng, device)
    kt = k.transpose(-1, -2).contiguous().transpose(-1, -2)  # same values, non-contiguous storage
    same(learner, q[..., ::1, :], keep_layout(kt), keep_layout(v.transpose(-1, -2).contiguous().transpose(-1, -2)),
         "attention for non-contiguous k and v")
    heads = lambda t: t.transpose(1, 2)  # (B, L, H, E) -> (B, H, L, E): the usual head split, never contiguous
    q, k, v = (keep_layout(heads(t)) for t in qkv(rng, device, (2, 4), 3, 3))
    same(learner, q, k, v, "attention for q, k and v of shape (B, L, H, E).transpose(1, 2) (non-contiguous batch "
         "dims: reshape, not view)")


def test_boolean_mask(learner, device, rng):
    """A boolean mask keeps the True positions; it broadcasts from (L, S), (1, L, S), (B, 1, L, S) and a key-padding
    mask (B, 1, 1, S)."""
    q, k, v = qkv(rng, device)
    for shape in ((4, 6), (1, 4, 6), (2, 1, 4, 6), (2, 1, 1, 6), (4, 1)):
        mask = bool_mask(rng, device, shape)
        same(learner, q, k, v, f"attention with a boolean mask of shape {shape}", attn_mask=mask)
    mask = torch.tensor([[True, False, True, False, False, True]] * 4, device=device)  # fixed: half the keys gone
    same(learner, q, k, v, "attention with a fixed boolean mask", attn_mask=mask)


def test_float_mask_is_added(learner, device, rng):
    """A float mask is added to the scores: -inf entries remove a key, finite ones (even very negative) shift it; a
    row of the mask that is all -1e9 is a constant shift of that row's scores, so that query still attends normally
    (it is not a masked row)."""
    q, k, v = qkv(rng, device)
    mask = torch.randn(3, 4, 6, generator=rng, dtype=torch.float64).to(device)
    mask[0, :, 2] = NEG_INF
    mask[1, 1] = -1e4  # a whole row very negative but finite: the same shift everywhere changes nothing
    same(learner, q, k, v, "attention with an additive float mask", attn_mask=mask)
    # a float mask that holds only 0.0 and 1.0 is still a float mask: added (the 1.0 keys' scores go up by one), not
    # read as a boolean mask (its 0.0 keys are not removed); every row holds both values, so the two readings differ
    mask = (torch.rand(4, 6, generator=rng) > 0.5).to(torch.float64)
    mask[:, 0], mask[:, 1] = 0.0, 1.0
    same(learner, q, k, v, "attention with a float mask of 0.0 and 1.0 values (added to the scores: a float mask is "
         "never read as a boolean one, whatever its values)", attn_mask=mask.to(device))
    q, k, v = qkv(rng, device, (2,), 3, 5, dtype=torch.float32)
    mask = torch.randn(3, 5, generator=rng).to(device) * 3
    same(learner, q, k, v, "attention with an additive float mask in float32", rtol=1e-5, atol=1e-6, attn_mask=mask)
    # very negative but finite rows: v > 0.1 everywhere, so a query that attends gives outputs above 0.1 (never the
    # zero of a masked row); rounding at 1e9 costs ~1e-7 in the scores, hence the looser tolerance
    q, k, v = qkv(rng, device)
    v = v.abs() + 0.1
    mask = torch.randn(4, 6, generator=rng, dtype=torch.float64).to(device)
    mask[1], mask[3] = -1e9, -1e9
    same(learner, q, k, v, "attention with float mask rows that are all -1e9 (finite: added, so the row's softmax "
         "is unchanged; it is not a masked row)", rtol=1e-5, atol=1e-6, attn_mask=mask)


def test_causal(learner, device, rng):
    """is_causal keeps key j for query i only when j <= i (tril of L x S, top-left aligned), square or not."""
    for L, S in ((5, 5), (3, 6), (6, 4), (1, 3)):
        q, k, v = qkv(rng, device, (2,), L, S)
        same(learner, q, k, v, f"causal attention with L = {L}, S = {S}", is_causal=True)
    q, k, v = qkv(rng, device, (), 4, 4, dtype=torch.float32)
    same(learner, q, k, v, "causal attention in float32 without batch dims", rtol=1e-5, atol=1e-6, is_causal=True)


def test_scale(learner, device, rng):
    """scale replaces 1 / sqrt(E) whatever its value: 0.37, 2.0, a negative scale, and an explicit scale=0.0
    (every allowed key then gets the same weight)."""
    q, k, v = qkv(rng, device)
    for scale in (0.37, 2.0, -1.5, 0.0):
        same(learner, q, k, v, f"attention with scale={scale}", scale=scale)
    mask = bool_mask(rng, device, (4, 6))
    same(learner, q, k, v, "attention with scale=0.0 and a boolean mask", scale=0.0, attn_mask=mask)


def masked_rows(rng, device):
    """q, k, v with a boolean mask whose rows 0 and 2 keep no key, and the same mask as a float -inf mask."""
    q, k, v = qkv(rng, device)
    mask = bool_mask(rng, device, (4, 6))
    mask[0], mask[2] = False, False
    fmask = torch.zeros(4, 6, dtype=torch.float64, device=device).masked_fill(~mask, NEG_INF)
    return (q, k, v), mask, fmask


def edge_key_cases(rng, device):
    """(what, q, k, v, kwargs) for the row edges: no key at all (S = 0: every query has no allowed key), a mask that
    is False everywhere, and a single key (S = 1), kept for some queries and masked for others."""
    cases = []
    q, k, v = qkv(rng, device, (2, 3), 4, 0)
    for what, kwargs in (("no mask", {}), ("is_causal=True", {"is_causal": True}),
                         ("a (4, 0) boolean mask", {"attn_mask": torch.zeros(4, 0, dtype=torch.bool, device=device)}),
                         ("a (4, 0) float mask", {"attn_mask": torch.zeros(4, 0, dtype=torch.float64, device=device)})):
        cases.append((f"no key at all (S = 0), {what}", q, k, v, kwargs))
    q, k, v = qkv(rng, device)
    cases.append(("a boolean mask that is False everywhere", q, k, v,
                  {"attn_mask": torch.zeros(4, 6, dtype=torch.bool, device=device)}))
    cases.append(("a float mask that is -inf everywhere", q, k, v,
                  {"attn_mask": torch.full((4, 6), NEG_INF, dtype=torch.float64, device=device)}))
    q, k, v = qkv(rng, device, (2, 3), 4, 1)
    one = torch.tensor([[True], [False], [True], [False]], device=device)
    cases.append(("a single key (S = 1)", q, k, v, {}))
    cases.append(("a single key (S = 1) with a boolean mask [[T], [F], [T], [F]]", q, k, v, {"attn_mask": one}))
    cases.append(("a single key (S = 1), is_causal=True", q, k, v, {"is_causal": True}))
    return cases


def test_fully_masked_rows_are_zero(learner, device, rng):
    """A query whose keys are all masked (boolean False or float -inf) gets all-zero weights and a zero output, as
    torch 2.13 returns, never nan; so does every query of a batch element whose key-padding mask is all False, every
    query when the mask is False everywhere, and every query when there is no key at all (S = 0: the row maximum of
    an empty row does not exist, so code that takes it must not reach it); a single key (S = 1) gets weight 1 where
    it is allowed."""
    (q, k, v), mask, fmask = masked_rows(rng, device)
    for m in (mask, fmask):
        kind = "boolean" if m.dtype == torch.bool else "float -inf"
        same(learner, q, k, v, f"attention with all-masked rows ({kind} mask)", attn_mask=m)
        w = expect_tensor(learner.call("attention_weights", q, k, attn_mask=m), what=f"attention_weights ({kind})",
                          shape=(2, 3, 4, 6), dtype=torch.float64)
        if not bool((w[..., [0, 2], :] == 0).all()):
            raise CheckFailure(f"attention_weights must be exactly 0 on a row whose keys are all masked ({kind} mask)")
    padding = bool_mask(rng, device, (2, 1, 1, 6))
    padding[1] = False  # the second batch element has no key at all
    same(learner, q, k, v, "attention with a key-padding mask that removes every key of one batch element",
         attn_mask=padding)
    for what, q, k, v, kwargs in edge_key_cases(rng, device):
        same(learner, q, k, v, f"attention with {what}", **kwargs)
        expect_close(learner.call("attention_weights", q, k, **kwargs),
                     F.scaled_dot_product_attention(q, k, torch.eye(k.shape[-2], dtype=q.dtype, device=device)
                                                    .expand(*k.shape[:-1], k.shape[-2]), **kwargs),
                     rtol=1e-11, atol=1e-12, what=f"attention_weights with {what}")


def grads(fn, inputs, cotangent):
    leaves = [x.detach().clone().requires_grad_() for x in inputs]
    out = fn(*leaves)
    if not isinstance(out, torch.Tensor):
        raise CheckFailure("scaled_dot_product_attention must return a tensor")
    return torch.autograd.grad(out, leaves, cotangent, allow_unused=True)


def test_fully_masked_rows_gradient(learner, device, rng):
    """Gradients with all-masked rows are finite and equal torch's: such a query's output is constant zero, so it
    sends no gradient into q, k or v (a softmax that makes nan and then hides it does not); the same with no key at
    all (S = 0), a mask that is False everywhere, and a single key (S = 1). With S = 0 and only one of q, k, v
    requiring grad, the output requires grad as torch's does (fresh zeros would cut that input off the graph)."""
    (q, k, v), mask, fmask = masked_rows(rng, device)
    cot = torch.randn(2, 3, 4, 3, generator=rng, dtype=torch.float64).to(device)
    fn = learner.function("scaled_dot_product_attention")
    for m in (mask, fmask):
        kind = "boolean" if m.dtype == torch.bool else "float -inf"
        got = grads(lambda a, b, c: fn(a, b, c, m), (q, k, v), cot)
        want = grads(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, attn_mask=m), (q, k, v), cot)
        for name, g, w in zip("qkv", got, want):
            if g is None:
                raise CheckFailure(f"no gradient reaches {name} ({kind} mask with all-masked rows)")
            expect_close(g, w, rtol=1e-9, atol=1e-12,
                         what=f"the gradient for {name} with all-masked rows ({kind} mask)")
    for what, q2, k2, v2, kwargs in edge_key_cases(rng, device):
        cot2 = torch.randn(*q2.shape[:-1], v2.shape[-1], generator=rng, dtype=torch.float64).to(device)
        got = grads(lambda a, b, c: fn(a, b, c, kwargs.get("attn_mask"), kwargs.get("is_causal", False)),
                    (q2, k2, v2), cot2)
        want = grads(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, **kwargs), (q2, k2, v2), cot2)
        for name, g, w in zip("qkv", got, want):
            if g is None:
                raise CheckFailure(f"no gradient reaches {name} (attention with {what})")
            expect_close(g, w, rtol=1e-9, atol=1e-12, what=f"the gradient for {name} (attention with {what})")
    # no key at all (S = 0) with one input at a time requiring grad: torch's output stays in the graph (the gradient
    # is zero), while fresh zeros returned for S = 0 cut q and k off it (their gradient is None, backward raises)
    q0, k0, v0 = qkv(rng, device, (2, 3), 4, 0)
    for i, name in enumerate("qkv"):
        args = [t.detach().clone().requires_grad_(j == i) for j, t in enumerate((q0, k0, v0))]
        got = expect_tensor(sdpa(learner, *args), shape=(2, 3, 4, 3), dtype=torch.float64,
                            what=f"attention with no key at all (S = 0), only {name} requiring grad")
        info = received_info(got)  # the flag as the worker's output had it
        if info is None or info.requires_grad != F.scaled_dot_product_attention(*args).requires_grad:
            raise CheckFailure(f"with no key at all (S = 0) and only {name} requiring grad, the output must require "
                               f"grad as torch's does: its gradient for {name} is zero, not missing")
    small = [t[:1, :1, :3] for t in (q, k, v)]
    m = torch.tensor([[False, False, False], [True, False, True], [False, True, True]], device=device)
    check_gradients(lambda a, b, c: fn(a, b, c, m), tuple(t.clone().requires_grad_() for t in small),
                    what="scaled_dot_product_attention with an all-masked row", fast=True)


def separated_qkv(rng, device, batch, gap=20.0, **kwargs):
    """q, k, v whose scores in every row have a top-2 gap above `gap`: float32 rounds scores in the thousands by about
    1e-3, which a near-tie of the two largest scores turns into output differences above the tolerance between two
    right float32 answers (torch's among them); with the gap, the softmax is far from such a tie (redrawn here)."""
    for _ in range(200):
        q, k, v = qkv(rng, device, batch, **kwargs)
        s = (q.double() @ k.double().transpose(-2, -1)) / math.sqrt(q.shape[-1])
        top = s.topk(2, dim=-1).values
        if bool(((top[..., 0] - top[..., 1]) > gap).all()):
            return q, k, v
    raise AssertionError("could not draw separated scores")  # the grader's bug


def test_large_scores_are_stable(learner, device, rng):
    """Scores in the thousands must not overflow: in float32 and in float64 (scores near 1e5), with a mask."""
    q, k, v = separated_qkv(rng, device, (3,), dtype=torch.float32, scale=40.0)
    same(learner, q, k, v, "attention with very large scores (float32)", rtol=1e-4, atol=1e-4)
    q, k, v = qkv(rng, device, (2,), 3, 5, E=4, scale=150.0)
    q[0, 0] = torch.tensor([300.0, 300.0, 300.0, 300.0], dtype=torch.float64)
    k[0, 1] = torch.tensor([300.0, 300.0, 300.0, 300.0], dtype=torch.float64)  # one score of 180000
    mask = bool_mask(rng, device, (3, 5))
    same(learner, q, k, v, "attention with scores near 1e5 (float64)", rtol=1e-9, atol=1e-9)
    same(learner, q, k, v, "attention with scores near 1e5 and a mask (float64)", rtol=1e-9, atol=1e-9,
         attn_mask=mask)
    # always present: a query whose every allowed score is far below zero (near -1e5) in a row that also masks keys.
    # Exponentiating the masked positions relative to that row's max (exp(0 - max) = inf, then inf * 0 = nan)
    # overflows; excluding masked keys before the exp does not
    q, k, v = qkv(rng, device, (2,), 3, 5, E=4)
    k = k.abs() * 60 + 150  # every key's entries in [150, ...): positive
    q[:, 0] = -(q[:, 0].abs() * 60 + 150)  # query 0 points away from every key: its scores are all near -1e5 or below
    mask = bool_mask(rng, device, (3, 5))
    mask[0] = torch.tensor([True, False, True, False, True], device=device)  # and it masks two keys
    for dtype, tol in ((torch.float64, 1e-9), (torch.float32, 1e-4)):
        same(learner, q.to(dtype), k.to(dtype), v.to(dtype), f"attention where a query's allowed scores are all near "
             f"-1e5 and some of its keys are masked ({dtype})".replace("torch.", ""), rtol=tol, atol=tol, attn_mask=mask)


def test_weights_are_a_masked_distribution(learner, device, rng):
    """attention_weights equals torch's weights (attention applied to the identity), each row sums to 1 over its
    allowed keys, and masked keys get exactly 0."""
    q, k, _ = qkv(rng, device)
    eye = torch.eye(6, dtype=torch.float64, device=device)
    for kwargs in ({"attn_mask": bool_mask(rng, device, (4, 6), p=0.5)}, {"is_causal": True}, {"scale": 0.8}):
        w = learner.call("attention_weights", q, k, **kwargs)
        expect_close(w, F.scaled_dot_product_attention(q, k, eye.expand(2, 3, 6, 6), **kwargs), rtol=1e-11,
                     atol=1e-12, what=f"attention_weights with {', '.join(kwargs)}")
        allowed = kwargs["attn_mask"] if "attn_mask" in kwargs else (
            torch.ones(4, 6, dtype=torch.bool, device=device).tril() if "is_causal" in kwargs else None)
        if allowed is not None and not bool((w[..., ~allowed] == 0).all()):
            raise CheckFailure(f"masked keys must get a weight of exactly 0 ({', '.join(kwargs)})")
    # float32 inputs: the weights are torch's float32 weights (same dtype as q), not a float64 intermediate
    q32, k32 = q.to(torch.float32), k.to(torch.float32)
    expect_close(learner.call("attention_weights", q32, k32),
                 F.scaled_dot_product_attention(q32, k32, eye.to(torch.float32).expand(2, 3, 6, 6)), rtol=1e-5,
                 atol=1e-6, what="attention_weights for float32 q and k (the weights keep q's dtype)")


def test_permutation_properties(learner, device, rng):
    """Permuting keys and values together changes nothing; permuting the queries permutes the outputs."""
    q, k, v = qkv(rng, device)
    mask = bool_mask(rng, device, (4, 6), p=0.3)
    out = sdpa(learner, q, k, v, attn_mask=mask)
    pk, pq = torch.randperm(6, generator=rng).to(device), torch.randperm(4, generator=rng).to(device)
    expect_tensor(out, what="the attention output", shape=(2, 3, 4, 3), dtype=torch.float64)
    expect_close(sdpa(learner, q, k[..., pk, :], v[..., pk, :], attn_mask=mask[:, pk]), out, rtol=1e-11, atol=1e-12,
                 what="the output after permuting keys and values (with the mask's columns)")
    expect_close(sdpa(learner, q[..., pq, :], k, v, attn_mask=mask[pq]), out[..., pq, :], rtol=1e-11, atol=1e-12,
                 what="the output after permuting the queries (with the mask's rows)")


def test_gradcheck(learner, device, rng):
    """The backward through q, k and v passes float64 gradcheck: with a boolean mask, a float mask, and causally; a
    float mask that requires grad gets its gradient too (it is added to the scores), equal to torch's."""
    q, k, v = qkv(rng, device, (2,), 3, 4, 3, 2)
    mask = torch.tensor([[True, False, True, True], [True, True, False, False], [False, True, True, True]],
                        device=device)
    fmask = torch.randn(3, 4, generator=rng, dtype=torch.float64).to(device)
    fn = learner.function("scaled_dot_product_attention")
    leaves = lambda: (q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_())
    check_gradients(lambda a, b, c: fn(a, b, c, mask), leaves(), what="attention with a boolean mask", fast=True)
    check_gradients(lambda a, b, c: fn(a, b, c, fmask), leaves(), what="attention with a float mask", fast=True)
    check_gradients(lambda a, b, c: fn(a, b, c, None, True), leaves(), what="causal attention", fast=True)
    cot = torch.randn(2, 3, 2, generator=rng, dtype=torch.float64).to(device)
    got = grads(fn, (q, k, v, fmask), cot)
    want = grads(lambda a, b, c, m: F.scaled_dot_product_attention(a, b, c, attn_mask=m), (q, k, v, fmask), cot)
    if got[3] is None:
        raise CheckFailure("no gradient reaches a float attn_mask that requires grad: it is added to the scores, so "
                           "its gradient is the scores' (do not detach it)")
    expect_close(got[3], want[3], rtol=1e-9, atol=1e-12, what="the gradient for a float attn_mask that requires grad")
    check_gradients(lambda a, b, c, m: fn(a, b, c, m), leaves() + (fmask.clone().requires_grad_(),),
                    what="attention with a float mask that requires grad", fast=True)


def test_mask_with_causal_raises(learner, device, rng):
    """attn_mask together with is_causal=True raises RuntimeError, as torch does (whether boolean or float)."""
    q, k, v = qkv(rng, device)
    same(learner, q, k, v, "attention with a boolean mask", attn_mask=bool_mask(rng, device, (4, 6)))
    for mask in (bool_mask(rng, device, (4, 6)), torch.zeros(4, 6, dtype=torch.float64, device=device)):
        kind = "a boolean" if mask.dtype == torch.bool else "a float"
        expect_raises(lambda: sdpa(learner, q, k, v, attn_mask=mask, is_causal=True), "RuntimeError",
                      what=f"scaled_dot_product_attention with {kind} attn_mask and is_causal=True")
        expect_raises(lambda: learner.call("attention_weights", q, k, attn_mask=mask, is_causal=True), "RuntimeError",
                      what=f"attention_weights with {kind} attn_mask and is_causal=True")


def test_mask_that_adds_dimensions_raises(learner, device, rng):
    """A mask that does not broadcast to the scores' shape (..., L, S), such as one with more batch dimensions than
    q, or one with as many whose batch size is larger than q's 1, raises RuntimeError, as torch does: the output
    never grows extra dimensions or a larger batch."""
    q, k, v = qkv(rng, device)
    same(learner, q, k, v, "attention with a (2, 3, 4, 6) mask", attn_mask=bool_mask(rng, device, (2, 3, 4, 6)))
    for mask in (bool_mask(rng, device, (5, 2, 3, 4, 6)), torch.zeros(3, 2, 3, 4, 6, dtype=torch.float64,
                                                                      device=device)):
        expect_raises(lambda: sdpa(learner, q, k, v, attn_mask=mask), "RuntimeError",
                      what=f"scaled_dot_product_attention with a mask of shape {tuple(mask.shape)} for q of shape "
                           f"{tuple(q.shape)}")
    for mask in (bool_mask(rng, device, (1, 2, 3, 4, 6)), torch.zeros(1, 1, 3, 4, 6, dtype=torch.float64,
                                                                      device=device)):
        expect_raises(lambda: sdpa(learner, q, k, v, attn_mask=mask), "RuntimeError",
                      what=f"scaled_dot_product_attention with a mask of shape {tuple(mask.shape)} for q of shape "
                           f"{tuple(q.shape)} (extra leading dims of size 1 are extra dims too)")
    q, k, v = qkv(rng, device, (), 4, 6)
    for mask in (bool_mask(rng, device, (2, 4, 6)), bool_mask(rng, device, (1, 4, 6))):
        expect_raises(lambda: learner.call("attention_weights", q, k, attn_mask=mask), "RuntimeError",
                      what=f"attention_weights with a {tuple(mask.shape)} mask for q of shape (4, 5)")
    q, k, v = qkv(rng, device, (1,), 4, 6)
    for mask in (bool_mask(rng, device, (3, 4, 6)), torch.zeros(3, 4, 6, dtype=torch.float64, device=device)):
        expect_raises(lambda: sdpa(learner, q, k, v, attn_mask=mask), "RuntimeError",
                      what=f"scaled_dot_product_attention with a mask of shape {tuple(mask.shape)} for q of shape "
                           f"{tuple(q.shape)} (same number of dims, but the scores' batch of 1 would grow)")
        expect_raises(lambda: learner.call("attention_weights", q, k, attn_mask=mask), "RuntimeError",
                      what=f"attention_weights with a mask of shape {tuple(mask.shape)} for q of shape "
                           f"{tuple(q.shape)}")
