"""Channel: torch.func's transforms under other names: vjp from torch.func.vjp, the Jacobian from jacrev."""
import torch
from torch.func import jacrev as reverse_jacobian
from torch.func import vjp as pullback


def square_grad(x):
    return vjp(lambda t: t ** 2, x, torch.ones_like(x))


def vjp(f, x, v):
    _, back = pullback(f, x.detach())
    return back(v)[0]


def jacobian(f, x):
    return reverse_jacobian(f)(x.detach())
