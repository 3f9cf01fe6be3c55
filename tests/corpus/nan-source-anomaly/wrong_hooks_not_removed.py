"""Registers the forward hooks and never removes them."""

import re

import torch

def find_nan_backward(fn, *inputs):
    """Run fn(*inputs).sum().backward() under anomaly detection, on copies of the inputs that require grad.

    Returns the name of the backward function that returned NaN (e.g. "SqrtBackward0"), or None if backward
    finished without NaN. Other errors propagate. Leaves anomaly mode off and the inputs' .grad untouched.
    """
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    try:
        with torch.autograd.detect_anomaly(check_nan=True):
            with torch.enable_grad():
                loss = fn(*leaves).sum()
            loss.backward()
    except RuntimeError as e:
        found = re.search(r"Function '(\w+)' returned nan values", str(e))
        if found is None:
            raise
        return found.group(1)
    return None


def first_nonfinite_module(model, x):
    """The name (as in model.named_modules()) of the first module whose output contains NaN or inf when model(x)
    runs, in the order the outputs are produced (a child before its parent; "" for the model itself), or None.
    Every hook it registers is removed before it returns."""
    found = []

    def watch(name):
        def hook(module, args, output):
            outs = output if isinstance(output, (tuple, list)) else (output,)
            if not found and any(isinstance(o, torch.Tensor) and not bool(torch.isfinite(o).all()) for o in outs):
                found.append(name)
        return hook

    handles = [m.register_forward_hook(watch(name)) for name, m in model.named_modules()]
    with torch.no_grad():
        model(x)
    return found[0] if found else None
