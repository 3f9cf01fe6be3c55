"""Wrong: the forward hook checks torch.isfinite(t.sum()), so a module whose finite outputs near 1e308 sum to inf is reported (the answer is None)."""

# %%
import torch


# %% [markdown]
# The seed's "numerical check" is to print gradients. PyTorch lets you check every gradient *as backward computes
# it*, node by node, and every activation as the forward pass produces it, module by module:
#
# * **Hooks on backward nodes.** `t.grad_fn` is the node that will compute the gradients of `t`'s inputs;
#   `node.next_functions` leads to the nodes before it. `node.register_hook(fn)` calls
#   `fn(grad_inputs, grad_outputs)` right after the node ran: `grad_inputs` are what it computed (the gradients
#   for its inputs), `grad_outputs` what it received. The first node whose `grad_inputs` hold a NaN or an inf is
#   where the gradient broke. Anomaly detection (`torch.autograd.detect_anomaly()`) cannot do this job: it only
#   reports NaN, never inf (the gradient of `sqrt` at 0 is inf and passes unnoticed).
# * **Forward hooks** (`module.register_forward_hook`) see every submodule's output as it is produced: the first
#   non-finite one points at the culprit in the forward pass. A NaN made only in the forward pass, whose gradient
#   is finite (`log(x - 1)` at x = 0.5), is invisible to the backward check: that is what these are for.
#
# Remove every hook you add (`handle.remove()`) when done, in a `finally` block.

# %%
def first_nonfinite_grad(fn, *inputs):
    """Run fn(*inputs).sum().backward() on copies of the inputs that require grad; return the class name of the first
    backward node, in the order backward runs them, whose computed gradients hold a NaN or an inf, or None."""
    ### BEGIN SOLUTION
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        loss = fn(*leaves).sum()
    found, handles, seen, stack = [], [], set(), [loss.grad_fn]

    def watch(node):
        def hook(grad_inputs, grad_outputs):
            if not found and any(g is not None and not bool(torch.isfinite(g).all()) for g in grad_inputs):
                found.append(type(node).__name__)
        return hook

    try:
        while stack:  # every node of the graph, each once
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)
            handles.append(node.register_hook(watch(node)))
            stack.extend(child for child, _ in node.next_functions)
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
    ### END SOLUTION


def first_nonfinite_module(model, x):
    """The name (as in model.named_modules()) of the first module whose output contains NaN or inf when model(x)
    runs, in the order the outputs are produced (a child before its parent; "" for the model itself), or None.
    Every hook it registers is removed before it returns."""
    ### BEGIN SOLUTION
    found = []

    def tensors(output):  # every tensor of an output, however nested (an LSTM's (out, (h, c)), dicts of lists...)
        if isinstance(output, torch.Tensor):
            yield output
        elif isinstance(output, (tuple, list, dict)):
            for o in (output.values() if isinstance(output, dict) else output):
                yield from tensors(o)

    def watch(name):
        def hook(module, args, output):
            if not found and any(not bool(torch.isfinite(t.sum())) for t in tensors(output)):
                found.append(name)
        return hook

    handles = [m.register_forward_hook(watch(name)) for name, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
    ### END SOLUTION
