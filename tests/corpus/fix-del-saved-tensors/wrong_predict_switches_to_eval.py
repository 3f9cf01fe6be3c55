"""Violates "`predict(model, x) -> Tensor`: `model(x)`": predict calls model.eval() first, so a model in training mode
with a BatchNorm1d returns something other than model(x) (running statistics instead of the batch's), and the
caller's model is left in eval mode."""
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
    with SavedHooks(tally.forward, tally.backward):
        fn(*args)
    return tally.total()


@torch.inference_mode()
def predict(model, x):
    model.eval()
    return model(x)
