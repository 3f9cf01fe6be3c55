"""Violates "leaving `x.grad` untouched" (and "the gradients with respect to `x`"): two_gradients uses .backward(), which accumulates into x.grad, then subtracts and resets x.grad to None, so a gradient the caller had left in x.grad is added into ga and then lost."""
import torch


def unit_vector(x):
    return x / x.norm()


def double_sigmoid(x):
    y = torch.sigmoid(x)
    return y * 2


def positive_tanh(x):
    y = torch.tanh(x)
    return torch.clamp(y, min=0)


def square_via_numpy(x):
    return x ** 2


def two_gradients(x):
    h = torch.exp(x)
    a = h.sum()
    b = (h ** 2).sum()
    a.backward(retain_graph=True)
    ga = x.grad.clone()
    b.backward()
    gb = x.grad - ga
    x.grad = None
    return ga, gb
