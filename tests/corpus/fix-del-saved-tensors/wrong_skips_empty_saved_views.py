"""saved_bytes skips saved tensors with no element: an empty view of a non-empty tensor keeps that tensor's whole storage alive, so its storage bytes count all the same."""
"""Reference solution for fix-del-saved-tensors (seeds 003-04, 003-06, 001-03). The STUB is the seed's code."""

# %%
import torch


# %% [markdown]
# The seed "optimizes memory" by running a layer and then `del input_tensor; del linear_layer; del output_tensor`.
# But `del` only removes a Python name. While `output_tensor` is alive, its graph (`output_tensor.grad_fn`) holds
# the tensors that backward will need, the input among them (`grad_fn._saved_mat1 is input_tensor`), so nothing is
# freed. The memory a training forward pass costs is exactly those **saved tensors**, and
# `torch.autograd.graph.saved_tensors_hooks(pack, unpack)` shows them: `pack` is called with every tensor autograd
# saves.
#
# 1. `saved_bytes(fn, *args) -> int`: run `fn(*args)` and return the bytes of the distinct storages autograd saved
#    for backward during that call (count each storage once, by `t.untyped_storage().data_ptr()`, with its
#    `untyped_storage().nbytes()`: a saved view keeps its whole storage alive), as a Python int. Parameters count like
#    any tensor, and each call counts only what its own `fn(*args)` saved. `fn` may run backward itself, so your
#    hooks must hand autograd back the tensors it saved.
# 2. Fix `predict(model, x)`, the seed's pattern: return `model(x)` such that nothing is saved for backward, not even
#    for a moment (building the graph and detaching afterwards still pays for it), and the output holds no reference
#    to `x`, so that the caller's `del x` really frees it. Gradient recording must be on again when `predict` returns.
#    The graders read the worker's memory from outside while `predict` runs and after the caller drops `x`.

# %%
def saved_bytes(fn, *args):
    ### BEGIN SOLUTION
    storages = {}

    def pack(t):
        if t.numel() == 0:
            return t  # nothing to store
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))
    ### END SOLUTION


def predict(model, x):
    ### BEGIN SOLUTION
    with torch.no_grad():
        return model(x)
    ### END SOLUTION
    ### BEGIN STUB
    # output_tensor = model(x)
    # del x  # the seed: "free the input's memory"
    # return output_tensor
    ### END STUB
