"""Correct, written as a small helper class (with a method that happens to be named `backward`) and a manual
max-shifted softmax; rows with no allowed key are zeroed by multiplying with the 0/1 keep flags; the
output is a broadcast multiply-and-sum rather than a matmul. With no key at all (S = 0) there is no row maximum to
take, so the empty scores are returned as they are."""

import math

import torch


class _Softmax:
    """A masked softmax whose `forward` and `backward` names mean nothing special here."""

    def forward(self, scores, keep):
        scores = scores.masked_fill(~keep, -math.inf)
        if scores.shape[-1] == 0:
            return scores
        alive = keep.any(dim=-1, keepdim=True)
        shift = torch.where(alive, scores.amax(dim=-1, keepdim=True), torch.zeros_like(scores[..., :1]))
        e = torch.exp(scores - shift.detach()) * keep
        return e / self.backward(e.sum(-1, keepdim=True))

    def backward(self, total):
        return torch.where(total > 0, total, torch.ones_like(total))


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if is_causal and attn_mask is not None:
        raise RuntimeError("is_causal=True with an explicit attn_mask")
    s = q.matmul(k.transpose(-2, -1)) * (q.size(-1) ** -0.5 if scale is None else scale)
    keep = torch.ones_like(s, dtype=torch.bool)
    if is_causal:
        keep = keep & torch.ones(s.shape[-2:], dtype=torch.bool, device=s.device).tril()
    if attn_mask is not None:
        if torch.broadcast_shapes(attn_mask.shape, s.shape) != s.shape:
            raise RuntimeError("attn_mask does not broadcast to the scores")
        if attn_mask.dtype == torch.bool:
            keep = keep & attn_mask
        else:
            s = s + attn_mask
    keep = keep & (s != -math.inf)
    return _Softmax().forward(s, keep)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    w = attention_weights(q, k, attn_mask, is_causal, scale)
    return (w.unsqueeze(-1) * v.unsqueeze(-3)).sum(dim=-2)
