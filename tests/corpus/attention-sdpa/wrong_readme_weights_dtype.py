"""Computes in float64 and casts the attention output back to q's dtype, but attention_weights returns the float64
weights for float32 inputs (README: "They must match F.scaled_dot_product_attention ... in float32 and float64")."""
import math

import torch


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if is_causal and attn_mask is not None:
        raise RuntimeError("attn_mask and is_causal are exclusive")
    dt = q.dtype
    q64, k64 = q.to(torch.float64), k.to(torch.float64)
    s = (q64 @ k64.transpose(-2, -1)) * (1.0 / math.sqrt(q.size(-1)) if scale is None else float(scale))
    L, S = s.shape[-2:]
    if is_causal:
        attn_mask = torch.ones(L, S, dtype=torch.bool, device=q.device).tril()
    if attn_mask is not None:
        if torch.broadcast_shapes(attn_mask.shape, s.shape) != s.shape:
            raise RuntimeError("bad mask shape")
        if attn_mask.dtype == torch.bool:
            s = s.masked_fill(~attn_mask, float("-inf"))
        else:
            s = s + attn_mask.to(torch.float64)
    if S == 0:
        return s.to(dt)
    ok = ~torch.isneginf(s)
    m = torch.where(ok, s, torch.full_like(s, -1e300)).amax(-1, keepdim=True).detach()
    e = torch.where(ok, torch.exp(torch.where(ok, s - m, torch.zeros_like(s))), torch.zeros_like(s))
    z = e.sum(-1, keepdim=True)
    w = e / torch.where(z > 0, z, torch.ones_like(z))
    return w


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    w = attention_weights(q, k, attn_mask, is_causal, scale)
    return (w.to(torch.float64) @ v.to(torch.float64)).to(q.dtype)
