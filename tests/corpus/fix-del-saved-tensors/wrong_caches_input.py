"""predict runs without a graph but keeps the last input in a module global "for debugging": del x frees nothing."""
import torch

LAST = {}


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
    LAST["x"] = x
    with torch.no_grad():
        return model(x)
