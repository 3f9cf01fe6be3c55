"""Breaks: "each call counts only what its own fn(*args) saved": the set of storages already counted is kept
across calls, so a storage saved again in a later call counts 0."""
import torch


_SEEN = set()


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        s = t.untyped_storage()
        if s.data_ptr() not in _SEEN:
            _SEEN.add(s.data_ptr())
            seen[s.data_ptr()] = s.nbytes()
        return t

    def unpack(t):
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        fn(*args)
    return int(sum(seen.values()))


def predict(model, x):
    with torch.inference_mode():
        return model(x)
