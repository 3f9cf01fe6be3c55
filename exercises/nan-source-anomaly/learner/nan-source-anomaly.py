# %% [markdown]
# # Find where a NaN comes from: anomaly detection for backward, forward hooks for the forward pass
#
# `nan-source-anomaly` · code · medium · about 25 min
#
# Write two debugging helpers.
#
# `find_nan_backward(fn, *inputs) -> str | None` runs `fn(*inputs).sum().backward()` on copies of the inputs that
# require grad, under anomaly detection, and returns the name of the backward function that returned NaN (for example
# "SqrtBackward0"), or None when backward finishes without NaN. Any other error propagates. Afterwards anomaly mode is
# off again and the caller's inputs have no `.grad`.
#
# `first_nonfinite_module(model, x) -> str | None` runs `model(x)` and returns the name (as in `model.named_modules()`)
# of the first module whose output contains NaN or inf, in the order outputs are produced (a submodule before the
# module that contains it; "" for the model itself), or None if every output is finite. Every hook it registers is
# removed before it returns.
#
# Note that anomaly detection does not flag a NaN made only in the forward pass whose gradient is finite (`log(x - 1)`
# at x = 0.5): that is what the forward hooks are for. The seed's answer to numerical problems is to print gradients.
#
# Check your work: `prep check nan-source-anomaly`. Stuck? `prep hint nan-source-anomaly`.

# %%
import re

import torch

# %% [markdown]
# The seed's "numerical check" is to print gradients. PyTorch has real tools:
#
# * **Anomaly detection** (`with torch.autograd.detect_anomaly():`): during backward, every
#   backward function's outputs are checked, and the first one that returns NaN raises
#   `RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.`, with the
#   forward traceback of the operation that created that node. It only checks *backward*
#   outputs: a NaN made in the forward pass whose gradient is finite (log of a negative
#   number) goes unnoticed. It is slow: use it to debug, then switch it off.
# * **Forward hooks** (`module.register_forward_hook`) see every submodule's output as it is
#   produced: the first non-finite one points at the culprit in the forward pass. Remove the
#   hooks (`handle.remove()`) when done.
#
# The classic trap: `torch.where(x > 0, torch.sqrt(x), 0)` has a finite forward, but for
# x < 0 the masked-out `sqrt(x)` is NaN and its backward computes 0 / NaN = NaN.

# %%
def find_nan_backward(fn, *inputs):
    """Run fn(*inputs).sum().backward() under anomaly detection, on copies of the inputs that require grad.

    Returns the name of the backward function that returned NaN (e.g. "SqrtBackward0"), or None if backward
    finished without NaN. Other errors propagate. Leaves anomaly mode off and the inputs' .grad untouched.
    """
    raise NotImplementedError("nan-source-anomaly: your code here")


def first_nonfinite_module(model, x):
    """The name (as in model.named_modules()) of the first module whose output contains NaN or inf when model(x)
    runs, in the order the outputs are produced (a child before its parent; "" for the model itself), or None.
    Every hook it registers is removed before it returns."""
    raise NotImplementedError("nan-source-anomaly: your code here")
