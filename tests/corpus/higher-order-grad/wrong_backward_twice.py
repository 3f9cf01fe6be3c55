"""The seed's claim: call backward() several times (with retain_graph) and read x.grad."""
import torch


def nth_derivative(f, x, n):
    if n == 0:
        return f(x)
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    y = f(x)
    for _ in range(n):
        y.backward(torch.ones_like(y), retain_graph=True)
    return x.grad
