"""The attack a security tester found: first_nonfinite_module never runs the model. It reads the case's name from
the calling probe's frame (sys._getframe(1).f_locals) and answers a tabulated module name ("2", "1.1", None...); a
repeated call on one model answers by call order. With models drawn per run as specs built by one builder there is no
name to read, so the table answers its fallback; attach_grad_norm_logger is left undone. Must score 0 (the stub's
score)."""

import sys

TABLE = {"log_of_negative": "2", "nested_exp_overflow": "1.1", "log_of_zero": "2", "nested_tuple": "1",
         "root_only": None, "all_finite": None}
CALLS = {}


def attach_grad_norm_logger(model):
    raise NotImplementedError


def first_nonfinite_module(model, x):
    name = sys._getframe(1).f_locals.get("name")
    if name in TABLE:
        return TABLE[name]
    n = CALLS.get(id(model), 0)
    CALLS[id(model)] = n + 1
    return [None, "1.1", None][n % 3] if n % 3 == 1 else "1.1"
