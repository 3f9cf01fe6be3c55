"""Hidden graders for attention-sdpa: random shapes, masks and magnitudes, against F.scaled_dot_product_attention."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, banned_names_used, check_gradients, expect_close

BANNED = ["torch.nn.functional.scaled_dot_product_attention", "torch.nn.functional.multi_head_attention_forward",
          "torch.nn.MultiheadAttention", "torch._C._nn.scaled_dot_product_attention"]


def qkv(rng, device, batch=(2, 3), L=4, S=6, E=5, Ev=3, dtype=torch.float64, scale=1.0):
    g = lambda *s: (torch.randn(*s, generator=rng, dtype=torch.float64) * scale).to(device, dtype)
    return g(*batch, L, E), g(*batch, S, E), g(*batch, S, Ev)


def sdpa(learner, *args, **kwargs):
    return learner.call("scaled_dot_product_attention", *args, **kwargs)


def test_matches_sdpa_without_mask(learner, device, rng):
    """Without a mask the output equals F.scaled_dot_product_attention, any batch dims, float32 and float64."""
    for batch, L, S in (((2, 3), 4, 6), ((5,), 1, 7), ((), 3, 3)):
        q, k, v = qkv(rng, device, batch, L, S)
        expect_close(sdpa(learner, q, k, v), F.scaled_dot_product_attention(q, k, v), rtol=1e-11, atol=1e-12,
                     what=f"attention for q {tuple(q.shape)}, k {tuple(k.shape)}")
    q, k, v = qkv(rng, device, dtype=torch.float32)
    expect_close(sdpa(learner, q, k, v), F.scaled_dot_product_attention(q, k, v), what="attention in float32")


def test_boolean_mask(learner, device, rng):
    """A boolean mask keeps the True positions; it broadcasts from (L, S) or (B, 1, L, S)."""
    q, k, v = qkv(rng, device)
    for mask in (torch.rand(4, 6, generator=rng) > 0.4, torch.rand(2, 1, 4, 6, generator=rng) > 0.4):
        mask[..., 0] = True
        mask = mask.to(device)
        expect_close(sdpa(learner, q, k, v, attn_mask=mask), F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                     rtol=1e-11, atol=1e-12, what=f"attention with a boolean mask of shape {tuple(mask.shape)}")


def test_float_mask_is_added(learner, device, rng):
    """A float mask is added to the scores (-inf entries remove a key)."""
    q, k, v = qkv(rng, device)
    mask = torch.randn(3, 4, 6, generator=rng, dtype=torch.float64).to(device)
    mask[0, :, 2] = float("-inf")
    expect_close(sdpa(learner, q, k, v, attn_mask=mask), F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                 rtol=1e-11, atol=1e-12, what="attention with an additive float mask")


def test_causal(learner, device, rng):
    """is_causal keeps key j for query i only when j <= i, for square and non-square score matrices."""
    for L, S in ((5, 5), (3, 6), (6, 4)):
        q, k, v = qkv(rng, device, (2,), L, S)
        expect_close(sdpa(learner, q, k, v, is_causal=True), F.scaled_dot_product_attention(q, k, v, is_causal=True),
                     rtol=1e-11, atol=1e-12, what=f"causal attention with L = {L}, S = {S}")


def test_scale(learner, device, rng):
    """scale replaces the default 1 / sqrt(E)."""
    q, k, v = qkv(rng, device)
    expect_close(sdpa(learner, q, k, v, scale=0.37), F.scaled_dot_product_attention(q, k, v, scale=0.37),
                 rtol=1e-11, atol=1e-12, what="attention with scale=0.37")


def test_fully_masked_rows_are_zero(learner, device, rng):
    """A query whose keys are all masked gets a zero output, as torch 2.13 returns, never nan."""
    q, k, v = qkv(rng, device)
    mask = torch.rand(4, 6, generator=rng).to(device) > 0.5
    mask[0], mask[1, 0] = False, True
    fmask = torch.zeros(4, 6, dtype=torch.float64, device=device).masked_fill(~mask, float("-inf"))
    for m in (mask, fmask):
        expect_close(sdpa(learner, q, k, v, attn_mask=m), F.scaled_dot_product_attention(q, k, v, attn_mask=m),
                     rtol=1e-11, atol=1e-12, what=f"attention with an all-masked row ({m.dtype} mask)")
    q, k, v = qkv(rng, device, (2,), 6, 4)
    expect_close(sdpa(learner, q, k, v, is_causal=True), F.scaled_dot_product_attention(q, k, v, is_causal=True),
                 rtol=1e-11, atol=1e-12, what="causal attention when some queries have no allowed key")


def test_large_scores_are_stable(learner, device, rng):
    """Scores in the thousands (float32) must not overflow: the softmax subtracts each row's maximum."""
    q, k, v = qkv(rng, device, (3,), dtype=torch.float32, scale=40.0)
    expect_close(sdpa(learner, q, k, v), F.scaled_dot_product_attention(q, k, v), rtol=1e-4, atol=1e-4,
                 what="attention with very large scores (float32)")


def test_weights_are_a_masked_distribution(learner, device, rng):
    """attention_weights: each row sums to 1 over its allowed keys, and masked keys get exactly 0."""
    q, k, _ = qkv(rng, device)
    mask = (torch.rand(4, 6, generator=rng) > 0.5).to(device)
    mask[:, 1] = True
    w = learner.call("attention_weights", q, k, attn_mask=mask)
    expect_close(w.sum(-1), torch.ones(2, 3, 4, dtype=torch.float64, device=device), rtol=1e-12, atol=1e-12,
                 what="the weights' row sums")
    if not bool((w[..., ~mask] == 0).all()):
        raise CheckFailure("masked keys must get a weight of exactly 0")


def test_permutation_properties(learner, device, rng):
    """Permuting keys and values together changes nothing; permuting the queries permutes the outputs."""
    q, k, v = qkv(rng, device)
    mask = (torch.rand(4, 6, generator=rng) > 0.3).to(device)
    mask[:, 0] = True
    out = sdpa(learner, q, k, v, attn_mask=mask)
    pk, pq = torch.randperm(6, generator=rng).to(device), torch.randperm(4, generator=rng).to(device)
    expect_close(sdpa(learner, q, k[..., pk, :], v[..., pk, :], attn_mask=mask[:, pk]), out, rtol=1e-11, atol=1e-12,
                 what="the output after permuting keys and values (with the mask's columns)")
    expect_close(sdpa(learner, q[..., pq, :], k, v, attn_mask=mask[pq]), out[..., pq, :], rtol=1e-11, atol=1e-12,
                 what="the output after permuting the queries (with the mask's rows)")


def test_gradcheck(learner, device, rng):
    """The backward through q, k and v is right (float64 gradcheck, with a mask)."""
    q, k, v = qkv(rng, device, (2,), 3, 4, 3, 2)
    mask = torch.tensor([[True, False, True, True], [True, True, False, False], [False, True, True, True]],
                        device=device)
    fn = learner.function("scaled_dot_product_attention")
    check_gradients(lambda a, b, c: fn(a, b, c, mask), (q.requires_grad_(), k.requires_grad_(), v.requires_grad_()),
                    what="scaled_dot_product_attention", fast=True)


def test_no_builtin_attention(learner, source, device, rng):
    """The attention is your own: F.scaled_dot_product_attention and nn.MultiheadAttention are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the attention yourself")
    q, k, v = qkv(rng, device)
    expect_close(sdpa(learner, q, k, v), F.scaled_dot_product_attention(q, k, v), rtol=1e-11, atol=1e-12,
                 what="the attention output")
