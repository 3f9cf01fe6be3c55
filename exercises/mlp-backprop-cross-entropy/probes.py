"""Trusted helpers for mlp-backprop-cross-entropy, run in the worker: call the learner's backprop under torch.no_grad().

They only drive the learner's function and hand back what it returned, plus the inputs as they are after
the call (the judge compares them with what it sent). Every reference is computed in the judge.
"""

import torch
from grader import drive


def run(mod, x, y, W1, b1, W2, b2, as_called=False):
    """The learner's (loss, grads) for these inputs, called under torch.no_grad() (with as_called, in the grad mode
    the request started in, with no block around it), and the inputs afterwards."""
    args = [x, y, W1, b1, W2, b2]
    if as_called:
        result = mod.tanh_mlp_ce_backward(*args)
    else:
        with drive.grad_mode(False):
            result = mod.tanh_mlp_ce_backward(*args)
    return {"result": result, "inputs_after": args}


def run_twice(mod, first, second):
    """The learner's results for two problems of the same shapes, called one after the other under torch.no_grad(),
    both read after the second call: results the second call writes into (a buffer kept between calls) show there."""
    with drive.grad_mode(False):
        a = mod.tanh_mlp_ce_backward(*first)
        b = mod.tanh_mlp_ce_backward(*second)
    return [a, b]
