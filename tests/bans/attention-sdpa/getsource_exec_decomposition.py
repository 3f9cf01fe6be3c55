"""Channel: a fresh copy of torch's own code: exec(inspect.getsource(...)) of the CPU flash-attention decomposition,
falling back to importlib.util.spec_from_file_location on torch/_decomp/decompositions.py."""

import importlib.util
import inspect

import torch
import torch._decomp.decompositions as D

_namespace = dict(vars(D))
try:
    source = inspect.getsource(D.scaled_dot_product_flash_attention_for_cpu)
    exec("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("@")), _namespace)
    _impl = _namespace["scaled_dot_product_flash_attention_for_cpu"]
except Exception:
    spec = importlib.util.spec_from_file_location("fresh_decomp", D.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    _impl = fresh.scaled_dot_product_flash_attention_for_cpu


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = torch.zeros(attn_mask.shape, dtype=q.dtype).masked_fill(~attn_mask, float("-inf"))
    E, Ev = q.shape[-1], v.shape[-1]
    scale = E ** -0.5 if scale is None else scale
    width = max(E, Ev)  # the kernel wants one head size: pad with zeros, which change nothing
    pad = lambda t: torch.nn.functional.pad(t, (0, width - t.shape[-1]))
    q4, k4, v4 = (pad(t).reshape(1, -1, t.shape[-2], width) for t in (q, k, v))
    if attn_mask is not None:
        attn_mask = attn_mask.expand(*q.shape[:-1], k.shape[-2]).reshape(1, -1, q.shape[-2], k.shape[-2])
    out = _impl(q4, k4, v4, 0.0, is_causal, attn_mask=attn_mask, scale=scale)[0]
    return out[..., :Ev].reshape(*q.shape[:-1], Ev).nan_to_num(0.0)


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    eye = torch.eye(k.shape[-2], dtype=q.dtype, device=q.device).expand(*k.shape[:-1], k.shape[-2])
    return scaled_dot_product_attention(q, k, eye, attn_mask, is_causal, scale)
