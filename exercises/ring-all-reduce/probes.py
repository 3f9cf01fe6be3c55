"""Trusted helpers for ring-all-reduce, run in the worker: a send channel that records every message.

The probe only drives the learner's function: it hands it a ``send`` that records what each rank sent (a copy) and
returns what the link delivers, then returns the result, the message log and the inputs as they are afterwards; then it
writes r + 1 into each rank r's result and returns the results and the inputs once more.
Every check (sums, the exact message schedule, traffic, untouched inputs) is computed in the judge, which imports
this file too for ``link`` (the same delivery rule on both sides).
"""

import torch
from grader import drive


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
    entries = list(out) if isinstance(out, (list, tuple)) else out
    result = {"out": [o.detach().clone() if isinstance(o, torch.Tensor) else o for o in entries]
              if isinstance(entries, list) else entries, "out_type": type(out).__name__, "log": log,
              "inputs_after": [t.detach().clone() for t in tensors], "world": world}
    if isinstance(entries, list) and all(isinstance(o, torch.Tensor) for o in entries):
        # then write r + 1 into entry r, in turn: the judge sees whether an entry shares memory with an input or
        # with another entry (the caller owns each rank's result)
        try:
            with drive.grad_mode(False):
                for r, o in enumerate(entries):
                    o.fill_(r + 1)
        except RuntimeError as e:
            result["written"] = f"RuntimeError: {e}"
        else:
            result["written"] = {"out": [o.detach().clone() for o in entries],
                                 "inputs": [t.detach().clone() for t in tensors]}
        # put the inputs back as the call left them: these writes are the probe's own, and a result that shares memory
        # with an input is reported by the judge from "written" (not as the learner's code writing into its inputs)
        with drive.grad_mode(False):
            for t, after in zip(tensors, result["inputs_after"]):
                t.copy_(after)
    return result


def run_twice(mod, first, second):
    """ring_all_reduce on `first`, then on `second` (the same number of ranks, length and dtype), through an exact
    link; returns the first call's results as they are after the second call, and the second call's results (the
    caller keeps the first results: a later call must not write into them)."""

    def send(src, dst, chunk):
        return link(chunk, "exact")

    def copies(out):
        entries = list(out) if isinstance(out, (list, tuple)) else out
        if not isinstance(entries, list):
            return entries
        return [o.detach().clone() if isinstance(o, torch.Tensor) else o for o in entries]

    held = mod.ring_all_reduce(first, send)
    held = list(held) if isinstance(held, (list, tuple)) else held
    again = mod.ring_all_reduce(second, send)
    return {"first": copies(held), "second": copies(again)}
