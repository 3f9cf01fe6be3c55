"""Channel: another module's namespace: torch.ao.nn.quantizable.MultiheadAttention, a pure-Python multi-head
attention (linear projections, bmm and softmax) that never touches the SDPA kernels."""

import torch
from torch.ao.nn import quantizable


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    E = q.shape[-1]
    m = quantizable.MultiheadAttention(E, 1, bias=False, batch_first=True).to(q.dtype)
    with torch.no_grad():
        for lin in (m.linear_Q, m.linear_K, m.linear_V):
            lin.weight.copy_(torch.eye(E))
    qq, kk = q.reshape(-1, *q.shape[-2:]), k.reshape(-1, *k.shape[-2:])
    mask = None if attn_mask is None else ~attn_mask
    w = m(qq, kk, kk, attn_mask=mask, need_weights=True, average_attn_weights=True)[1]
    return w.reshape(*q.shape[:-1], k.shape[-2])


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
