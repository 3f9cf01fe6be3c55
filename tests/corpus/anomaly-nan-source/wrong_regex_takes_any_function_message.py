"""Breaks: "or a backward error that is not anomaly mode's NaN report) propagates." Angle: J. How: the regex takes any "Function 'X'" error message (e.g. "returned an invalid gradient") as the NaN report."""

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
    ### BEGIN SOLUTION
    try:
        with torch.autograd.detect_anomaly():
            fn(*inputs).backward()
    except RuntimeError as e:
        match = re.search(r"Function '(\w+)'", str(e))
        if match is None:
            raise
        return match.group(1)
    return None
    ### END SOLUTION


def row_norms(x):
    ### BEGIN SOLUTION
    sq = x.pow(2).sum(1)
    nonzero = sq > 0
    safe = torch.where(nonzero, sq, torch.ones_like(sq))  # keeps sqrt away from 0 in both passes
    return torch.where(nonzero, safe.sqrt(), torch.zeros_like(sq))
    ### END SOLUTION
