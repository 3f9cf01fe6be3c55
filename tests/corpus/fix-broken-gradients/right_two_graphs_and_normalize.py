"""A correct solution written differently: F.normalize over the flattened tensor, sigmoid plus sigmoid, torch.where
for the positive part, x * x, and a fresh graph for each gradient instead of retain_graph."""

import torch
import torch.nn.functional as F


def unit_vector(x):
    return F.normalize(x.reshape(-1), dim=0).reshape(x.shape)


def double_sigmoid(x):
    s = torch.sigmoid(x)
    return s + s


def positive_tanh(x):
    y = torch.tanh(x)
    return torch.where(y > 0, y, torch.zeros_like(y))


def square_via_numpy(x):
    return x * x


def two_gradients(x):
    (ga,) = torch.autograd.grad(torch.exp(x).sum(), x)
    (gb,) = torch.autograd.grad((torch.exp(x) ** 2).sum(), x)
    return (ga, gb)
