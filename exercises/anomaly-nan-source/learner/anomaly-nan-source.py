# %% [markdown]
# # Find where a NaN gradient comes from with anomaly detection, then write a NaN-free norm
#
# `anomaly-nan-source` · code · medium · about 20 min
#
# Write
#
# * `find_nan_backward(fn, *inputs) -> str | None`: call `fn(*inputs)` (a scalar loss) and back-propagate it under
#   `torch.autograd.detect_anomaly()`; return the class name of the backward node that anomaly mode reports as returning
#   NaN values (for example `"SqrtBackward0"`), or None when the backward pass completes without that error. Any other
#   error (raised by `fn`, or a backward error that is not anomaly mode's NaN report) propagates. Anomaly detection must
#   be off again when the function returns or raises.
# * `row_norms(x) -> Tensor`: for a 2-D float tensor (float32 or float64, any layout), the L2 norm of each row, of shape
#   `(N,)` and the input's dtype, whose gradient is finite everywhere and 0 for an all-zero row (and `x / norm` for the
#   other rows, small norms included).
#
# The naive `x.pow(2).sum(1).sqrt()` has a finite forward pass, but its gradient at a zero row is `inf * 0 = nan`:
# anomaly mode reports it at `PowBackward0`, the node after the sqrt, where the NaN first appears.
#
# Check your work: `prep check anomaly-nan-source`. Stuck? `prep hint anomaly-nan-source`.

# %%
import re

import torch

# %% [markdown]
# The seeds list "hard to debug" among the drawbacks of dynamic graphs. Eager autograd comes with a debugger for the
# worst kind of bug, a NaN gradient: under `torch.autograd.detect_anomaly()` the backward pass checks every node's
# output and raises `RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.`, with the
# forward traceback of the op that created that node. It checks *backward* outputs, for NaN (not inf): a NaN produced
# in the forward pass, whose gradient is finite, is not reported.
#
# 1. `find_nan_backward(fn, *inputs) -> str | None`: call `loss = fn(*inputs)` (a scalar) and `loss.backward()` under
#    anomaly detection; return the class name of the backward node that anomaly mode reports as returning NaN (such as
#    `"SqrtBackward0"`), or None when the backward pass completes. Anomaly mode must be off again afterwards.
# 2. `row_norms(x)`: the L2 norm of each row of a 2-D tensor, whose gradient is finite everywhere, also for a row of
#    zeros (where it must be 0). The naive `x.pow(2).sum(1).sqrt()` gives `inf * 0 = nan` there: sqrt's gradient at 0
#    is inf, and the NaN first appears one node later, so anomaly mode names `PowBackward0` (`MulBackward0` if you
#    wrote `x * x`), not the `SqrtBackward0` that caused it.
#
# Other errors (a `ValueError` from `fn`, a backward that fails for another reason) are not yours to swallow: let them
# propagate, and let the context manager switch anomaly mode off again on the way out.

# %%
def find_nan_backward(fn, *inputs):
    raise NotImplementedError("anomaly-nan-source: your code here")


def row_norms(x):
    raise NotImplementedError("anomaly-nan-source: your code here")
