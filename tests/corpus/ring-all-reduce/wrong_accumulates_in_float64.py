"""Violates 'rank r + 1 adds what it receives to its own copy of that chunk' (chunks of the tensors, in their dtype): the buffers are accumulated in float64, float64 chunks are sent, and the result is cast back at the end, so float32/float16 messages have the wrong dtype and the sums are rounded once instead of at every ring addition."""
from functools import partial

import torch
from torch import tensor_split as split


def _step(bufs, send, W, chunk_of, reduce_):
    outgoing = [(src, chunk_of(src)) for src in range(W)]
    arrived = [(src, c, send(src, (src + 1) % W, bufs[src][c])) for src, c in outgoing]
    for src, c, data in arrived:
        d = (src + 1) % W
        if reduce_:
            bufs[d][c] = torch.add(bufs[d][c], data)
        else:
            bufs[d][c] = data.detach().clone()


def ring_all_reduce(tensors, send):
    W = len(tensors)
    bufs = [[c.to(torch.float64) for c in split(t, W)] for t in tensors]
    for s in range(W - 1):
        _step(bufs, send, W, lambda r, s=s: (r - s) % W, True)
    for s in range(W - 1):
        _step(bufs, send, W, lambda r, s=s: (r + 1 - s) % W, False)
    return [torch.cat(b, dim=0).to(t.dtype) for b, t in zip(bufs, tensors)]
