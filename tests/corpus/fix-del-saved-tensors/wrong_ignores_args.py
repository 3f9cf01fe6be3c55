"""saved_bytes calls fn() and drops the arguments it was given."""
import torch


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return int(sum(storages.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
