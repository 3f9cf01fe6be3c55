"""Forms the whole Hessian with one batched double backward (is_grads_batched over the identity) and returns H @ v:
right values, but n x n memory for what needs O(n)."""
import torch


def _hessian(f, x):
    leaf = x.detach().requires_grad_(True)
    n = x.numel()
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(leaf), leaf, create_graph=True)
    if not g.requires_grad or n == 0:
        return torch.zeros(n, n, dtype=x.dtype, device=x.device)
    eye = torch.eye(n, dtype=x.dtype, device=x.device).reshape((n,) + tuple(x.shape))
    (rows,) = torch.autograd.grad(g, leaf, grad_outputs=eye, is_grads_batched=True, allow_unused=True,
                                  materialize_grads=True)
    return rows.reshape(n, n).detach()


def hvp(f, x, v):
    return (_hessian(f, x) @ v.reshape(-1)).reshape(x.shape)


def hessian(f, x):
    return _hessian(f, x).reshape(tuple(x.shape) * 2)
