"""Channel: torch.autograd.backward read from another module's namespace (sys.modules['torch.autograd.gradcheck'])."""

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
    import sys

    var_module = sys.modules["torch.autograd.gradcheck"]

    leaves = _leaves(x, W1, b1, W2, b2)
    with torch.enable_grad():
        loss = _loss(*leaves, t)
        var_module.torch.autograd.backward([loss])
    return loss.detach(), {k: v.grad for k, v in zip(NAMES, leaves)}
