"""Trusted helpers for fix-jit-fork, run in the worker: inspect the scripted graph, count forks."""

import torch


def script_facts(mod, x, y):
    fn = mod.my_function
    is_script = isinstance(fn, torch.jit.ScriptFunction)
    graph = str(fn.graph) if is_script else ""
    out = fn(x, y)
    return {"is_script": is_script, "fork": "prim::fork" in graph, "wait": "aten::wait" in graph,
            "out": list(out) if isinstance(out, (tuple, list)) else repr(out)}


def forked(mod, x):
    """Run fork_all with a counting torch.jit.fork; the functions record the order they ran in."""
    calls = {"fork": 0}
    original = torch.jit.fork

    def counting_fork(fn, *args, **kwargs):
        calls["fork"] += 1
        return original(fn, *args, **kwargs)

    fns = [torch.sin, lambda t: t * 3, lambda t: t.cumsum(0), torch.exp]
    torch.jit.fork = counting_fork
    try:
        out = mod.fork_all(fns, x)
    finally:
        torch.jit.fork = original
    return {"forks": calls["fork"], "out": list(out) if isinstance(out, list) else repr(out),
            "want": [f(x) for f in fns]}
