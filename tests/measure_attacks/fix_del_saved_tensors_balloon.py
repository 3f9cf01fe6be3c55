"""Measurement attack (fix-del-saved-tensors): predict builds the graph and detaches the output afterwards (the
mistake: every activation is saved for a moment), hidden by a 128 MiB balloon taken at import, freed at the start
of a large predict and taken back once the caller has dropped the output."""
import weakref

import torch

_BALLOON = [torch.ones(16 * 1024 * 1024, dtype=torch.float64)]  # 128 MiB held at rest, touched


def _retake():
    if not _BALLOON:
        _BALLOON.append(torch.ones(16 * 1024 * 1024, dtype=torch.float64))


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))


def predict(model, x):
    big = x.numel() >= 1024 * 1024 and bool(_BALLOON)
    if big:
        _BALLOON.clear()  # room for the graph's activations
    out = model(x).detach()  # the mistake: the graph is built (every activation saved), then dropped
    if big:
        weakref.finalize(out, _retake)  # taken back once the caller drops the output, between measurements
    return out
