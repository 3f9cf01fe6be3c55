"""Channel: torch.autograd.functional.vjp and jacobian applied to the gradient function (reverse over reverse
through the functional API instead of torch.autograd.grad), imported under other names."""
import torch
from torch.autograd.functional import jacobian as J
from torch.autograd.functional import vjp as V


def _gradient(f):
    def g(t):
        with torch.enable_grad():
            leaf = t if t.requires_grad else t.requires_grad_()
            return torch.autograd.grad(f(leaf), leaf, create_graph=True)[0]
    return g


def hvp(f, x, v):
    return V(_gradient(f), x.detach(), v)[1]


def hessian(f, x):
    return J(_gradient(f), x.detach())
