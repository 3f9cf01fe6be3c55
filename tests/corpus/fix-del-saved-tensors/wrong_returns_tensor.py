"""saved_bytes returns the total as a 0-d tensor instead of a Python int."""
import torch


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return torch.tensor(list(storages.values()) or [0]).sum()


def predict(model, x):
    with torch.no_grad():
        return model(x)
