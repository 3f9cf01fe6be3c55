"""Wrong: two_gradients lets backward() accumulate into the caller's x.grad and subtracts the old .grad
afterwards, (g0 + ga) - g0: cancellation loses ga's digits when x.grad is large next to small gradients
(x.grad ~1e4, exp(x) ~1e-8). The task: "a gradient already there stays unchanged and out of ga and gb"."""
import torch


def unit_vector(x):
    n = x.norm()
    return x.div(n)


def double_sigmoid(x, scale=2.0):
    y = torch.sigmoid(x)
    return y.mul(scale)


def positive_tanh(x):
    return torch.tanh(x).clamp(min=0.0)


def square_via_numpy(x):
    return x * x


def two_gradients(x):
    # .backward() into x.grad, with the caller's gradient put aside and restored afterwards
    saved = None if x.grad is None else x.grad.clone()
    try:
        h = torch.exp(x)
        a = h.sum()
        b = (h ** 2).sum()
        a.backward(retain_graph=True)
        ga = x.grad.clone() if saved is None else x.grad - saved
        base = x.grad.clone()
        b.backward()
        gb = x.grad - base
    finally:
        x.grad = saved
    return ga, gb
