"""Channel: torch.func.grad rebuilt from functorch's C primitives (a grad level re-enables autograd)."""
import torch


def _leaves(x, W1, b1, W2, b2):
    return [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]


def _loss(x, W1, b1, W2, b2, t):
    h = 1 / (1 + torch.exp(-(x @ W1.T + b1)))  # sigmoid written out: no banned derivative kernel on the graph
    return ((h @ W2.T + b2 - t) ** 2).mean()


NAMES = ("x", "W1", "b1", "W2", "b2")


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    C = torch._C._functorch
    bases = [a.detach().clone() for a in (x, W1, b1, W2, b2)]
    level = C._grad_increment_nesting()
    try:
        with torch.enable_grad():
            leaves = [C._wrap_for_grad(a, level) for a in bases]
            C.set_inplace_requires_grad_allowed(True)
            for leaf in leaves:
                leaf.requires_grad_()
            C.set_inplace_requires_grad_allowed(False)
            loss = _loss(*leaves, t)
            grads = torch._C._ImperativeEngine().run_backward((loss,), (torch.ones_like(loss),), False, True,
                                                              tuple(leaves), False, False)
            grads = [C._unwrap_for_grad(g, level).detach().clone() for g in grads]
            loss = C._unwrap_for_grad(loss, level).detach().clone()
    finally:
        C._grad_decrement_nesting()
    return loss, dict(zip(NAMES, grads))
