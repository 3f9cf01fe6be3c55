"""Channel: torch.func.grad_and_value (functorch's transform) over a function of the five tensors."""

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
    import torch.func

    grads, loss = torch.func.grad_and_value(lambda *a: _loss(*a, t), argnums=(0, 1, 2, 3, 4))(x, W1, b1, W2, b2)
    return loss, dict(zip(NAMES, grads))
