"""predict decorated with @torch.no_grad(); saved_bytes sums a dict built from a list of packed storages."""
from torch.autograd.graph import saved_tensors_hooks
import torch


def saved_bytes(fn, *args):
    packed = []
    with saved_tensors_hooks(lambda t: packed.append(t.untyped_storage()) or t, lambda t: t):
        fn(*args)
    by_pointer = {s.data_ptr(): s.nbytes() for s in packed}
    return int(sum(by_pointer.values()))


@torch.no_grad()
def predict(model, x):
    return model(x)
