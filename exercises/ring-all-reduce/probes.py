"""Trusted helpers for ring-all-reduce, run in the worker: a send channel that records every message.

The probe only drives the learner's function: it hands it a ``send`` that records what each rank sent (a copy) and
returns what the link delivers, then returns the result, the message log and the inputs as they are afterwards.
Every check (sums, the exact message schedule, traffic, untouched inputs) is computed in the judge, which imports
this file too for ``link`` (the same delivery rule on both sides).
"""

import torch


def link(chunk, kind):
    """What the destination receives: a copy of the chunk, (kind "float32") its values rounded to float32, as a
    lower-precision link delivers them, in the chunk's dtype, or (kind "same") the very tensor object that was sent,
    as an in-process link may hand it over."""
    if kind == "float32" and chunk.is_floating_point():
        return chunk.to(torch.float32).to(chunk.dtype)
    if kind == "same":
        return chunk
    return chunk.detach().clone()


def run(mod, tensors, kind="exact"):
    world = len(tensors)
    log = []

    def send(src, dst, chunk):
        if not isinstance(chunk, torch.Tensor):
            log.append([src, dst, repr(type(chunk).__name__)])
            return chunk
        log.append([src, dst, chunk.detach().clone()])
        return link(chunk, kind)  # what arrives: a copy, as over a network, or (kind "same") the sent object itself

    out = mod.ring_all_reduce(tensors, send)
    return {"out": list(out) if isinstance(out, (list, tuple)) else out, "out_type": type(out).__name__, "log": log,
            "inputs_after": [t.detach().clone() for t in tensors], "world": world}
