"""Helpers for fix-jit-fork. In the worker they only call the learner's code and send back what it produced: the
outputs, the text of my_function's TorchScript graph, and the graph torch.jit.trace records for a call of fork_all
(tracing records a prim::fork for each torch.jit.fork, however it was imported, and an aten::wait for each wait).
Every check runs in the judge."""

import torch

def _double(t):
    return t * 2


FNS = {
    "four": [torch.sin, lambda t: t * 3, lambda t: t.cumsum(0), torch.exp],
    "one": [lambda t: t - 1],
    "shapes": [lambda t: t.sum(), torch.cos, lambda t: t[:2] * 2, lambda t: t.flip(0), lambda t: t.max()],
    # the same function objects listed more than once: each entry is its own fork (and its own result)
    "repeated": [torch.sin, _double, torch.sin, lambda t: t + 1, _double, torch.sin],
    # no function at all: nothing to fork, an empty list of results
    "none": [],
}


def reference_fork_all(which, x):
    return [fn(x) for fn in FNS[which]]


def script_facts(mod, x, y):
    fn = mod.my_function
    is_script = isinstance(fn, torch.jit.ScriptFunction)
    return {"is_script": is_script, "type": type(fn).__qualname__, "graph": str(fn.graph) if is_script else "",
            "out": fn(x, y)}


def fork_all_eager(mod, which, x):
    return mod.fork_all(FNS[which], x)


def _fresh(i):
    """A function whose value changes with each call: t * (i + 1) + 100 * (the number of calls so far)."""
    calls = []

    def fn(t):
        calls.append(None)
        return t * (i + 1) + 100 * len(calls)
    return fn


def fork_all_fresh(mod, n, x):
    """fork_all over n new functions whose value changes with each call (their first call gives t * (i + 1) + 100)."""
    return mod.fork_all([_fresh(i) for i in range(n)], x)


def fork_all_traced(mod, which, x):
    """torch.jit.trace of a call of the learner's fork_all; the recorded graph and the trace's outputs."""
    fns = FNS[which]
    try:
        traced = torch.jit.trace(lambda t: list(mod.fork_all(fns, t)), (x,), check_trace=False)
    except Exception as e:  # the learner's fork_all could not be traced: say why, the grader decides
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
    return {"graph": str(traced.graph), "out": traced(x)}


def fork_all_grad(mod, which, x):
    """fork_all on an x that requires grad, then the gradient with respect to x of sum_i (i + 1) * results[i].sum()
    (the results as they came back), or the error autograd raised taking it."""
    x = x.detach().requires_grad_(True)
    out = mod.fork_all(FNS[which], x)
    try:
        loss = sum((i + 1) * r.sum() for i, r in enumerate(out))
        (g,) = torch.autograd.grad(loss, x)
    except Exception as e:  # the grader decides what it means
        return {"out": out, "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
    return {"out": [r.detach() for r in out], "grad": g}
