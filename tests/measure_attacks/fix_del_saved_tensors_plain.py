"""The same predict without the trick: the graph is built and detached afterwards (the control)."""
import torch


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
    return model(x).detach()
