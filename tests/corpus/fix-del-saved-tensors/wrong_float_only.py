"""Violates "the total bytes of the distinct storages that autograd saved for backward": only floating-point saved tensors are counted, so integer tensors autograd saves (indices of embedding / gather / max / sort ...) are missed."""

import torch
from torch.autograd.graph import saved_tensors_hooks


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        if not t.is_floating_point():
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
