"""Logs with a dict of closures built by a helper; finds NaN/inf by recording every output in order, then scanning."""

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
#   (a module inside a container finishes before the container), or None when every output is finite. Remove every
#   hook you added before returning.

# %%
def attach_grad_norm_logger(model):
    log = {name: [] for name, _ in model.named_parameters()}

    def logger(values):
        def hook(grad):
            values.append(float(torch.linalg.vector_norm(grad)))
        return hook

    handles = [p.register_hook(logger(log[name])) for name, p in model.named_parameters() if p.requires_grad]
    return log, handles


def first_nonfinite_module(model, x):
    found = []

    def check(name):
        def hook(module, inputs, output):
            stack, ok = [output], True
            while stack:  # walk nested tuples and lists without recursion
                item = stack.pop()
                if isinstance(item, torch.Tensor):
                    ok = ok and bool(torch.isfinite(item).all())
                elif isinstance(item, (tuple, list)):
                    stack.extend(item)
            found.append((name, ok))
        return hook

    handles = [m.register_forward_hook(check(name)) for name, m in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return next((name for name, ok in found if not ok), None)
