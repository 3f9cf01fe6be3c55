"""saved_bytes keeps its storage table in a module global that is never cleared: a second call adds the first call's bytes."""
import torch

STORAGES = {}


def saved_bytes(fn, *args):
    def pack(t):
        s = t.untyped_storage()
        STORAGES[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(STORAGES.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
