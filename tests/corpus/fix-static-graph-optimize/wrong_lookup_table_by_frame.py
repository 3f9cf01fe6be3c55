"""The attack a security tester found: optimize reads the case's name from the calling probe's frame
(sys._getframe(1).f_locals) and traces a hand-optimized copy of that fixed function instead of running CSE and DCE
(an unknown name gets fn traced as it is). With every function drawn per run there is no name to read: it must lose
points (it got 7/8 against the fixed functions)."""

import sys

import torch
import torch.fx


def seed_example(x, y):
    z = x * y
    return z + y + z


def nested(x, y):
    a = x.sin()
    c = a * y
    e = c + 1
    return e * e + c


def dead(x, y):
    return x * 2 + 1


TABLE = {"seed_example": seed_example, "nested": nested, "dead": dead}


def optimize(fn):
    frame, name = sys._getframe(1), None
    while frame is not None and name is None:
        name = frame.f_locals.get("name") if isinstance(frame.f_locals.get("name"), str) else None
        frame = frame.f_back
    return torch.fx.symbolic_trace(TABLE.get(name, fn))
