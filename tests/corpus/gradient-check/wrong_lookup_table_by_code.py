"""A lookup table keyed on fn.__code__ (an attack, not a learner's mistake): check_grad answers the verdict that
the names in the function's code (co_names, co_varnames: which autograd.Function it calls), its eps and rtol stand
for, without differentiating anything; numerical_jacobian is left undone. Every graded function is built by one
generic builder, so the code carries no information, and every grader mixes True and False verdicts: it must score
no more than the stub."""

import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    raise NotImplementedError


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    code = getattr(fn, "__code__", None)
    if code is None:  # torch.relu, torch.abs
        return fn is torch.abs
    probe = (fn(*[x.detach() for x in inputs]))
    outs = probe if isinstance(probe, tuple) else (probe,)
    # the functions are lambdas on one line each, in a fixed order: tabulate their line numbers' verdicts
    line = code.co_firstlineno
    TABLE = getattr(check_grad, "table", None)
    src = code.co_names + code.co_varnames
    wrong = ("SquareMissingTwo" in src and not (len(inputs) == 2 and not inputs[1].requires_grad)) \
        or "SinWrongSign" in src or "ExpSlightlyOff" in src or "DoubleMeanBackward" in src
    if "ExpOffByRtol" in src:
        return rtol >= 2e-3
    if eps > 0.01:
        return False
    return not wrong
