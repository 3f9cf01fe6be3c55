"""Channel: torch.autograd.graph._engine_run_backward, the private helper every backward goes through."""

import torch


def _leaves(x, W1, b1, W2, b2):
    return [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]


def _loss(x, W1, b1, W2, b2, t):
    # sigmoid written out, so that no banned derivative kernel (sigmoid_backward) is on the graph:
    # the attack tests its channel alone
    h = 1 / (1 + torch.exp(-(x @ W1.T + b1)))
    return ((h @ W2.T + b2 - t) ** 2).mean()


NAMES = ("x", "W1", "b1", "W2", "b2")


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    from torch.autograd.graph import _engine_run_backward

    leaves = _leaves(x, W1, b1, W2, b2)
    with torch.enable_grad():
        loss = _loss(*leaves, t)
        grads = _engine_run_backward((loss,), (torch.ones_like(loss),), False, False, tuple(leaves), False, False)
    return loss.detach(), dict(zip(NAMES, grads))
