"""Channel: the private implementation behind torch.func.vjp (torch._functorch.eager_transforms._vjp_with_argnums),
and the Jacobian row by row from it."""
import torch
import torch._functorch.eager_transforms as E


def square_grad(x):
    return vjp(lambda t: t ** 2, x, torch.ones_like(x))


def vjp(f, x, v):
    _, back = E._vjp_with_argnums(f, x.detach())
    return back(v)[0]


def jacobian(f, x):
    y = f(x.detach())
    rows = [vjp(f, x, e.reshape(y.shape)) for e in torch.eye(y.numel(), dtype=y.dtype)]
    return torch.stack(rows).reshape(tuple(y.shape) + tuple(x.shape))
