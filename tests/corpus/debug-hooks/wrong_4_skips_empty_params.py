"""Violates "at every backward pass each list gets one Python float": a zero-element parameter the forward uses gets
no hook, so its list misses the 0.0 norm of its empty gradient each pass (red team h2, round 18)."""

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
    ### BEGIN SOLUTION
    log, handles = {}, []
    for name, p in model.named_parameters():
        log[name] = []
        if not p.requires_grad or p.numel() == 0:  # a frozen parameter gets no gradient (and register_hook would raise)
            continue
        # a tensor hook receives the gradient of this pass, before it is added into .grad
        handles.append(p.register_hook(lambda g, name=name: log[name].append(g.norm().item())))
    return log, handles
    ### END SOLUTION


def first_nonfinite_module(model, x):
    ### BEGIN SOLUTION
    found = []

    def tensors(value):  # every tensor in an output, however deeply nested in tuples, lists or dicts
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from tensors(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from tensors(v)

    def check(name):
        def hook(module, inputs, output):
            if not found and any(not bool(torch.isfinite(t).all()) for t in tensors(output)):
                found.append(name)
        return hook

    handles = [m.register_forward_hook(check(name)) for name, m in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
    ### END SOLUTION
