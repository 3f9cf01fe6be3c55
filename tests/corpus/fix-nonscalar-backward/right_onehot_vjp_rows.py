"""Correct, written differently: square_grad by backward() on y.sum() of a private leaf; vjp by backward(v) into a
private leaf's .grad; jacobian as one vjp per output element with a one-hot v, stacked and reshaped."""
import torch


def square_grad(x):
    mine = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (mine * mine).sum().backward()
    return mine.grad


def vjp(f, x, v):
    mine = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = f(mine)
        if y.requires_grad:
            torch.autograd.backward(y, grad_tensors=v, inputs=[mine])
    return torch.zeros_like(x) if mine.grad is None else mine.grad


def jacobian(f, x):
    with torch.no_grad():
        shape = f(x.detach()).shape
    m = 1
    for d in shape:
        m *= d
    rows = []
    for i in range(m):
        onehot = torch.zeros(m, dtype=x.dtype, device=x.device)
        onehot[i] = 1
        rows.append(vjp(f, x, onehot.reshape(shape)))
    if not rows:
        return x.new_zeros(tuple(shape) + tuple(x.shape))
    return torch.stack(rows).reshape(tuple(shape) + tuple(x.shape))
