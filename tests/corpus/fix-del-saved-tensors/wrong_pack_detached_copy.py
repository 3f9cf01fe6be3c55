"""Violates "autograd must still get back the tensors it saved": pack and unpack hand autograd detached clones, so when fn edits a saved parameter in place before its backward, the gradient silently uses the old values."""
import torch


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        st = t.untyped_storage()
        seen[st.data_ptr()] = st.nbytes()
        return t.detach().clone()

    def unpack(t):
        return t.detach().clone()

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        fn(*args)
    return int(sum(seen.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
