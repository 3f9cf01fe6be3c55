"""Right: saved_tensors_hooks with a dict keyed by storage pointer; predict under torch.inference_mode()."""
import torch


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        s = t.untyped_storage()
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
