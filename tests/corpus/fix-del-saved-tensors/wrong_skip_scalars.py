"""Violates "the total bytes of the distinct storages that autograd saved": 0-d saved tensors ("just scalars") are skipped, so a saved 0-d tensor (a tensor exponent, a scalar-tensor factor, a 0-d input) adds no bytes."""

import torch
from torch.autograd.graph import saved_tensors_hooks


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        if t.dim() == 0:
            return t
        st = t.untyped_storage()
        seen[st.data_ptr()] = st.nbytes()
        return t

    def unpack(t):
        return t

    with saved_tensors_hooks(pack, unpack):
        fn(*args)
    return int(sum(seen.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
