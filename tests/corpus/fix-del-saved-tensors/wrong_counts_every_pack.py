"""Adds up every packed tensor: x * x counts x twice, two views count twice."""

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
#    for backward meanwhile (count each storage once, by `t.untyped_storage().data_ptr()`, with its
#    `untyped_storage().nbytes()`: a saved view keeps its whole storage alive). Parameters count like any tensor.
# 2. Fix `predict(model, x)`, the seed's pattern: return `model(x)` such that nothing is saved for backward and the
#    output holds no reference to `x`, so that the caller's `del x` really frees it.

# %%
def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        storages[len(storages)] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))


def predict(model, x):
    with torch.no_grad():
        return model(x)
