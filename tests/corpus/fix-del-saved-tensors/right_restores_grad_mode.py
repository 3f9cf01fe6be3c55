"""Switches grad mode off by hand and restores the caller's mode in a finally block; counts storages in a set of
(pointer, size) pairs kept on a small helper class."""
import torch


class _Saved:
    def __init__(self):
        self.seen = {}

    def pack(self, t):
        storage = t.untyped_storage()
        self.seen.setdefault(storage.data_ptr(), storage.nbytes())
        return t

    @staticmethod
    def unpack(t):
        return t


def saved_bytes(fn, *args):
    saved = _Saved()
    with torch.autograd.graph.saved_tensors_hooks(saved.pack, saved.unpack):
        fn(*args)
    return sum(saved.seen.values())


def predict(model, x):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    try:
        return model(x)
    finally:
        torch.set_grad_enabled(previous)
