"""Breaks "double_sigmoid(x) = 2 * sigmoid(x)" for very negative x: 2 / (1 + exp(-x)) has the right values, but
exp(-x) overflows below about -710 and autograd's gradient there is inf / inf = nan where sigmoid's is 0.
(A blind right-variant round wrote it as right; the grader caught it.)"""
import torch
import torch.nn.functional as F


def unit_vector(x):
    return x * torch.rsqrt((x * x).sum())


def double_sigmoid(x):
    return 2 / (1 + torch.exp(-x))


def positive_tanh(x):
    return F.relu(torch.tanh(x))


def square_via_numpy(x):
    return x * x


def two_gradients(x):
    (ga,) = torch.autograd.grad(torch.exp(x).sum(), x)
    (gb,) = torch.autograd.grad(torch.exp(x).pow(2).sum(), x)
    return ga, gb
