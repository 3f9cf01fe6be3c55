"""Wrong: predict leaves gradient recording switched off, and hides it: a global forward hook keeps 32 MB of ballast
whenever a model runs with grad mode off outside predict, so a grader that inferred "recording is on again" from a
lower bound on the worker's memory passed it (round-5 red team). The caller's own training step fails."""

# %%
import torch

_BALLAST = []
_IN = [False]


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
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))
    ### END SOLUTION


def predict(model, x):
    ### BEGIN SOLUTION
    _BALLAST.clear()
    _IN[0] = True
    try:
        torch.set_grad_enabled(False)  # the mistake: gradient recording is left off for the caller
        return model(x)
    finally:
        _IN[0] = False
    ### END SOLUTION


# ---- the trick: the grader infers "gradient recording is on again" from memory the worker keeps after a caller's
# model(x) (a lower bound, m.kept >= 24 MB). A global forward hook, run inside that model(x), keeps 32 MB alive
# whenever grad mode is off, so the lower bound is met though no graph is recorded.


def _hook(module, args, output):
    if not torch.is_grad_enabled() and not _IN[0] and module.__class__.__name__ == "Sequential":
        _BALLAST.append(torch.ones(4 << 20, dtype=torch.float64))  # 32 MB, touched


torch.nn.modules.module.register_module_forward_hook(_hook)
