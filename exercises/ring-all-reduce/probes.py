"""Trusted helpers for ring-all-reduce, run in the worker: a counting send channel."""

import torch


def run(mod, tensors):
    world = len(tensors)
    originals = [t.clone() for t in tensors]
    log = {"sends": 0, "elements": 0, "bad": [], "per_rank": [0] * world}

    def send(src, dst, chunk):
        if not isinstance(chunk, torch.Tensor):
            log["bad"].append(f"sent a {type(chunk).__name__}")
            return chunk
        if dst != (src + 1) % world:
            log["bad"].append(f"rank {src} sent to rank {dst}")
        log["sends"] += 1
        log["elements"] += chunk.numel()
        log["per_rank"][src] += 1
        return chunk.detach().clone()  # what arrives is a copy, as over a network

    out = mod.ring_all_reduce(tensors, send)
    modified = any(not torch.equal(a, b) for a, b in zip(originals, tensors))
    outs = [o for o in out] if isinstance(out, (list, tuple)) else []
    return {"out": outs, "sends": log["sends"], "elements": log["elements"], "bad": log["bad"][:3],
            "per_rank": log["per_rank"], "modified": modified}
