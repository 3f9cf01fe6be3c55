"""WRONG: masks by multiplying after the exp, exp(s - m) * keep, with masked scores set to 0: when every allowed score of
a row is very negative (its max m near -1e5) a masked position computes exp(0 - m) = inf and inf * 0 = nan. Breaks
"Scores in the thousands must not overflow". Caught by a random draw only now and then before round 20 (h2)."""
import math

import torch


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and is_causal:
        raise RuntimeError("cannot pass both attn_mask and is_causal")
    L, E = int(q.shape[-2]), int(q.shape[-1])
    S = int(k.shape[-2])
    sc = float(1.0 / math.sqrt(E)) if scale is None else float(scale)
    s = torch.matmul(q, torch.movedim(k, -1, -2)) * sc
    keep = torch.ones((L, S), dtype=s.dtype, device=s.device)
    if is_causal:
        keep = torch.tril(keep)
    if attn_mask is not None:
        if tuple(torch.broadcast_shapes(attn_mask.shape, s.shape)) != tuple(s.shape):
            raise RuntimeError("mask does not broadcast")
        if attn_mask.dtype == torch.bool:
            keep = keep * attn_mask.to(s.dtype)
        else:
            s = s + attn_mask
    keep = keep * torch.isfinite(s).to(s.dtype) + 0.0 * s.new_zeros(s.shape)
    s_safe = torch.where(keep > 0, s, torch.zeros_like(s))
    if S > 0:
        m = torch.amax(torch.where(keep > 0, s_safe, torch.full_like(s, -1e308 if s.dtype == torch.float64 else -3e38)), dim=-1, keepdim=True)
        m = torch.where(torch.sum(keep, dim=-1, keepdim=True) > 0, m, torch.zeros_like(m)).detach()
    else:
        m = torch.zeros(s.shape[:-1] + (1,), dtype=s.dtype, device=s.device)
    e = torch.exp(s_safe - m) * keep
    z = torch.sum(e, dim=-1, keepdim=True)
    return e / torch.where(z > 0, z, torch.ones_like(z))


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return torch.matmul(attention_weights(q, k, attn_mask, is_causal, scale), v)
