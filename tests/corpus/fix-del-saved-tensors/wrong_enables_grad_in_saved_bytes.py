"""Violates "Under `torch.no_grad()` the answer is 0": saved_bytes runs fn under torch.enable_grad(), so called inside
the caller's torch.no_grad() it counts what fn saves with recording switched back on."""
import torch
from torch.autograd.graph import saved_tensors_hooks as SavedHooks


class _Tally:
    def __init__(self):
        self.sizes = {}

    def forward(self, t):          # pack
        storage = t.untyped_storage()
        self.sizes.setdefault(storage.data_ptr(), storage.nbytes())
        return t

    def backward(self, t):         # unpack
        return t

    def total(self):
        return int(sum(self.sizes.values()))


def saved_bytes(fn, *args):
    tally = _Tally()
    with SavedHooks(tally.forward, tally.backward), torch.enable_grad():
        fn(*args)
    return tally.total()


@torch.inference_mode()
def predict(model, x):
    return model(x)
