"""Channel: TorchScript, whose compiled torch.autograd.grad calls the C++ engine directly."""

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
    def scripted(x, W1, b1, W2, b2, t):
        loss = ((1 / (1 + torch.exp(-(x @ W1.T + b1))) @ W2.T + b2 - t) ** 2).mean()
        g = torch.autograd.grad([loss], [x, W1, b1, W2, b2])
        return loss, g

    fn = torch.jit.script(scripted)
    with torch.enable_grad():
        loss, grads = fn(*_leaves(x, W1, b1, W2, b2), t)
    return loss.detach(), {k: v.detach() for k, v in zip(NAMES, grads)}
