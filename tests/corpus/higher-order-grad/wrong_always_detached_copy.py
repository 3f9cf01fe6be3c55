"""Angle: defensive copy gone wrong. Always differentiates with respect to a detached
copy of x, so the result is in a private graph: differentiating it with respect to the caller's x (leaf or w * 2)
gives nothing. Breaks: "The result stays differentiable with respect to x". Passes the public tests.
"""
import torch


def nth_derivative(f, x, n):
    with torch.enable_grad():
        xx = x.detach().requires_grad_(True)
        y = f(xx)
        for _ in range(n):
            if not y.requires_grad:
                return torch.zeros_like(x)
            (g,) = torch.autograd.grad(y, xx, torch.ones_like(y), create_graph=True, allow_unused=True)
            if g is None:
                return torch.zeros_like(x)
            y = g
    return y
