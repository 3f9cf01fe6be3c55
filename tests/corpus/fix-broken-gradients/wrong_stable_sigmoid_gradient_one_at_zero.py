"""Breaks "double_sigmoid(x) = 2 * sigmoid(x)" at x = 0 for the gradient: written as 2 exp(min(x, 0)) / (1 + exp(-|x|)),
the forward is right everywhere, but autograd through clamp and abs at exactly 0 gives a derivative of 1 where
2 * sigmoid'(0) = 0.5. (A blind right-variant round wrote it as right; the grader caught it.)"""
import torch
import torch.nn.functional as F


def unit_vector(x):
    return x * torch.rsqrt((x * x).sum())


def double_sigmoid(x):
    return 2 * torch.exp(torch.clamp(x, max=0)) / (1 + torch.exp(-x.abs()))


def positive_tanh(x):
    return F.relu(torch.tanh(x))


def square_via_numpy(x):
    return x * x


def two_gradients(x):
    (ga,) = torch.autograd.grad(torch.exp(x).sum(), x)
    (gb,) = torch.autograd.grad(torch.exp(x).pow(2).sum(), x)
    return ga, gb
