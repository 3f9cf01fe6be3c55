"""Measurement attack: predict builds the graph, but every tensor saved for backward goes to a file outside the
worker's scratch folder, so the resident memory never shows the training forward's activations. saved_bytes is
right, so only the memory graders can tell."""
import os
import tempfile

import torch


def _offload_folder():
    """Outside the scratch folder where the worker may write there, else in it (TMPDIR)."""
    for base in ("/var/tmp", None):
        try:
            return tempfile.mkdtemp(prefix="prep-offload-", dir=base)
        except OSError:
            pass


_DIR = _offload_folder()
_COUNT = [0]


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))


def _to_disk(t):
    _COUNT[0] += 1
    path = os.path.join(_DIR, f"{os.getpid()}-{_COUNT[0]}.pt")
    torch.save(t.detach().clone(), path)
    return path


def predict(model, x):
    with torch.autograd.graph.saved_tensors_hooks(_to_disk, torch.load):
        out = model(x)
    return out.detach()
