"""Trusted helpers for fix-static-graph-optimize, run in the worker: pure functions with duplicate work."""

import torch
import torch.fx


def seed_example(x, y):
    z = x * y
    w = z + y
    u = x * y  # the same product again
    return w + u


def nested(x, y):
    a = x.sin()
    b = x.sin()
    c = a + b
    d = a + b  # a duplicate only once a and b are merged
    return c * d + y


def dead(x, y):
    unused = torch.exp(x)  # noqa: F841  never used
    t = x * 2
    also_unused = t * y  # noqa: F841
    return t + 1


def different_arguments(x, y):
    s0 = torch.sum(x, dim=0)
    s1 = torch.sum(x, dim=1)  # same function, other keyword argument: not a duplicate
    a = x + 1
    b = x + 2  # other constant: not a duplicate
    return s0.sum() + s1.sum() + a.mean() + b.mean() + y.mean()


def lists_and_methods(x, y):
    c1 = torch.cat([x, y])
    c2 = torch.cat([x, y])
    v1 = c1.view(-1)
    v2 = c2.view(-1)
    return v1 * v2 + torch.cat([y, x]).view(-1)


FUNCTIONS = {f.__name__: f for f in (seed_example, nested, dead, different_arguments, lists_and_methods)}


def report(mod, name, inputs):
    """The learner's optimize(fn): is it a GraphModule, which ops remain, and its values on the inputs."""
    fn = FUNCTIONS[name]
    gm = mod.optimize(fn)
    if not isinstance(gm, torch.fx.GraphModule):
        return {"is_gm": False, "type": type(gm).__qualname__, "calls": -1, "outputs": []}
    calls = [n for n in gm.graph.nodes if n.op in ("call_function", "call_method", "call_module")]
    names = sorted(str(getattr(n.target, "__name__", n.target)) for n in calls)
    return {"is_gm": True, "calls": len(calls), "ops": names, "outputs": [gm(*xs) for xs in inputs]}


def values(name, inputs):
    return [FUNCTIONS[name](*xs) for xs in inputs]
