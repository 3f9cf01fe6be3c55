"""Channel: the Python decomposition torch registers for aten._scaled_dot_product_flash_attention_for_cpu, found in
torch._decomp's table and called directly (no ATen attention kernel involved)."""

import torch
import torch._decomp

_decomp = next(fn for op, fn in torch._decomp.decomposition_table.items()
               if "flash_attention_for_cpu" in str(op))


def _run(q, k, v, attn_mask, is_causal, scale):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask with is_causal")
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = torch.zeros(attn_mask.shape, dtype=q.dtype, device=q.device).masked_fill(~attn_mask, float("-inf"))
    E, Ev = q.shape[-1], v.shape[-1]
    scale = E ** -0.5 if scale is None else scale
    width = max(E, Ev)  # the kernel wants one head size: pad with zeros, which change nothing
    pad = lambda t: torch.nn.functional.pad(t, (0, width - t.shape[-1]))
    q4, k4, v4 = (pad(t).reshape(1, -1, t.shape[-2], width) for t in (q, k, v))
    if attn_mask is not None:
        attn_mask = attn_mask.expand(*q.shape[:-1], k.shape[-2]).reshape(1, -1, q.shape[-2], k.shape[-2])
    out = _decomp(q4, k4, v4, 0.0, is_causal, attn_mask=attn_mask, scale=scale)[0]
    return out[..., :Ev].reshape(*q.shape[:-1], Ev).nan_to_num(0.0)


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    eye = torch.eye(k.shape[-2], dtype=q.dtype, device=q.device).expand(*k.shape[:-1], k.shape[-2])
    return _run(q, k, eye, attn_mask, is_causal, scale)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return _run(q, k, v, attn_mask, is_causal, scale)
