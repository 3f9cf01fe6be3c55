"""pack records the storage but returns nothing: autograd loses the saved tensors, so a backward inside fn breaks."""
import torch


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
