"""Trusted helpers for gradient-check; loaded in the worker and, for references, by the graders. The probes only
drive the learner's functions and report what they returned and the state of the inputs around the call.

The judge cannot send functions over the wire, so the functions a learner's
gradient checker is run on live here, by name.
"""

import torch


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class SquareMissingTwo(torch.autograd.Function):
    """A wrong backward: x * g instead of 2 * x * g."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return x * g


class SinWrongSign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -torch.cos(x) * g


class ExpSlightlyOff(torch.autograd.Function):
    """A backward 1 % too large: a check with a loose tolerance would miss it."""

    @staticmethod
    def forward(ctx, x):
        y = torch.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return 1.01 * y * g


class ExpOffByRtol(torch.autograd.Function):
    """A backward 1.0005e-3 too large: torch.allclose(analytic, numerical, rtol=1e-3, atol=0) rejects it, but the
    arguments swapped (rtol measured against the analytic side) accept it."""

    @staticmethod
    def forward(ctx, x):
        y = torch.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return (1 + 1.0005e-3) * y * g


class DoubleMeanBackward(torch.autograd.Function):
    """f(x) = 2x, with a backward that is right only for an all-ones incoming gradient: 2 * mean(g) everywhere.
    A check that compares only the gradient of out.sum() (one vector-Jacobian product) cannot see it."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        return 2 * g.mean() * torch.ones_like(g)


FUNCTIONS = {
    "tanh_matmul": lambda a, b: torch.tanh(a @ b),
    "two_outputs": lambda a: (torch.sin(a), a.pow(3).sum()),
    "square": lambda x: Square.apply(x),
    "square_missing_two": lambda x: SquareMissingTwo.apply(x),
    "sin_wrong_sign": lambda x: SinWrongSign.apply(x),
    "exp_slightly_off": lambda x: ExpSlightlyOff.apply(x),
    "relu": torch.relu,
    "abs": torch.abs,
    "matmul": lambda a, b: a @ b,
    "exp_3x": lambda x: torch.exp(3 * x),
    "weighted_sum": lambda a, b: (a * b).sum(dim=0),
    "cube_sum": lambda x: (x ** 3).sum(),
    # b's backward is wrong, but b does not require grad in the graders: a checker must skip it
    "a_plus_bad_square_b": lambda a, b: a + SquareMissingTwo.apply(b),
    "exp_off_by_rtol": lambda x: ExpOffByRtol.apply(x),
    "double_mean_backward": lambda x: DoubleMeanBackward.apply(x),
    # the first output is right, the second's backward is wrong: every output must be checked
    "second_output_wrong": lambda a: (torch.sin(a), SquareMissingTwo.apply(a).sum()),
    "cube_times": lambda a, b: a ** 3 * b,
    # b requires grad but is never used: its analytic Jacobian is zeros (autograd returns None for it)
    "ignores_b": lambda a, b: a * 2,
    # an output with no elements
    "empty_second_output": lambda a: (a * 2, a[:0] * 3),
    # an input with no elements: its Jacobian has shape (out.numel(), 0)
    "cat_empty": lambda a, e: torch.cat([a, e]) * 2,
}


def _state(inputs):
    return {"values": [x.detach().clone() for x in inputs], "versions": [x._version for x in inputs],
            "grads": [x.grad for x in inputs], "requires_grad": [bool(x.requires_grad) for x in inputs]}


def jacobian(mod, name, inputs, eps):
    """The learner's numerical_jacobian as it returned it, and the inputs' state before and after the call."""
    before = _state(inputs)
    result = mod.numerical_jacobian(FUNCTIONS[name], tuple(inputs), eps)
    return {"jacobians": result, "before": before, "after": _state(inputs)}


def verdict(mod, name, inputs, eps, atol, rtol):
    """The learner's check_grad verdict (a bool, or whatever it returned)."""
    return mod.check_grad(FUNCTIONS[name], tuple(inputs), eps=eps, atol=atol, rtol=rtol)


def verdict_and_state(mod, name, inputs, eps, atol, rtol):
    """The verdict, and the inputs' state before and after check_grad."""
    before = _state(inputs)
    got = mod.check_grad(FUNCTIONS[name], tuple(inputs), eps=eps, atol=atol, rtol=rtol)
    return {"verdict": got, "before": before, "after": _state(inputs)}
