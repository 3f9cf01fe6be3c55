"""Violates "parameters count like any tensor": pack skips saved tensors that are nn.Parameter instances, so x * w leaves the saved Parameter w out of the count."""
import torch


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        if not isinstance(t, torch.nn.Parameter):
            st = t.untyped_storage()
            seen[st.data_ptr()] = st.nbytes()
        return t

    def unpack(t):
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        fn(*args)
    return int(sum(seen.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
