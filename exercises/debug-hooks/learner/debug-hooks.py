# %% [markdown]
# # Debugging with hooks: log each pass's gradient norms, find the first module that outputs NaN or inf
#
# `debug-hooks` · code · medium · about 20 min
#
# Write
#
# * `attach_grad_norm_logger(model) -> (log, handles)`: `log` is a new dict from every name of `model.named_parameters()`
#   to a list; at every backward pass each list gets one Python float, the L2 norm of the gradient computed for that
#   parameter in that pass (not the accumulated `.grad`, which the caller may not zero); after `h.remove()` for every
#   `h` in `handles`, nothing more is logged. Called twice on one model, each call's log gets one entry per pass.
# * `first_nonfinite_module(model, x) -> str | None`: run `model(x)` and return the name (from `model.named_modules()`,
#   the root excluded) of the first submodule whose forward pass finishes with a NaN, inf or -inf anywhere in its output
#   (tensors nested in tuples included; a submodule of a container finishes before the container), or None if every
#   submodule's output is finite; no hook you added may remain on any module afterwards, and calling it again on the
#   same model answers for the new input alone.
#
# Check your work: `prep check debug-hooks`. Stuck? `prep hint debug-hooks`.

# %%
import torch

# %% [markdown]
# The seed debugs graphs with `torch.autogradunctional.make_subgraph()` and `make_dot()`: a garbled module name, and
# neither function exists in PyTorch (`make_dot` is the third-party torchviz). PyTorch's own debugging tools are
# hooks: functions that autograd or a module calls as tensors flow through.
#
# * `attach_grad_norm_logger(model) -> (log, handles)`: `log` maps every parameter name (as in
#   `model.named_parameters()`) to a list that gets, at every backward pass, the L2 norm (a Python float) of the
#   gradient computed for that parameter **in that pass** (not the accumulated `.grad`: the caller may not zero it);
#   `handles` holds the hook handles, so that calling `h.remove()` on each stops the logging.
# * `first_nonfinite_module(model, x) -> str | None`: run `model(x)` and return the name (as in
#   `model.named_modules()`) of the first submodule whose forward pass *finishes* with a NaN or inf in its output
#   (a module inside a container finishes before the container; a NaN or inf anywhere in a nested tuple counts),
#   or None when every output is finite. Remove every hook you added before returning, so that later calls and
#   forward passes of the same model are not affected.

# %%
def attach_grad_norm_logger(model):
    raise NotImplementedError("debug-hooks: your code here")


def first_nonfinite_module(model, x):
    raise NotImplementedError("debug-hooks: your code here")
