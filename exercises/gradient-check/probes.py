"""Trusted helpers for gradient-check; loaded in the worker and, for references, by the graders.

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
}


def jacobian(mod, name, inputs, eps):
    """The learner's numerical_jacobian, plus the inputs afterwards and their version counters."""
    versions = [x._version for x in inputs]
    result = mod.numerical_jacobian(FUNCTIONS[name], tuple(inputs), eps)
    return {
        "jacobians": tuple(result) if isinstance(result, (tuple, list)) else result,
        "is_tuple": isinstance(result, tuple),
        "inputs_after": [x.detach().clone() for x in inputs],
        "versions_changed": [x._version != v for x, v in zip(inputs, versions)],
    }


def verdict(mod, name, inputs, eps, atol, rtol):
    """The learner's check_grad verdict (a bool, or whatever it returned)."""
    return mod.check_grad(FUNCTIONS[name], tuple(inputs), eps=eps, atol=atol, rtol=rtol)
