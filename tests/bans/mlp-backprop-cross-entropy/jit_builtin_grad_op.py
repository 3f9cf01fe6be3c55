"""Channel: TorchScript's builtin operator aten::grad through torch.ops.aten (a JIT operator, not a dispatcher one)."""

import torch

NAMES = ("x", "W1", "b1", "W2", "b2")


def _leaves(x, W1, b1, W2, b2):
    return [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]


def _loss(x, y, W1, b1, W2, b2):
    # tanh and log-softmax written out, so that no banned derivative kernel is on the graph:
    # the attack tests its channel alone
    h = 2 * torch.sigmoid(2 * (x @ W1.T + b1)) - 1
    z = h @ W2.T + b2
    m = z.detach().amax(dim=1, keepdim=True)
    logp = z - m - torch.log(torch.exp(z - m).sum(dim=1, keepdim=True))
    return -logp[torch.arange(z.shape[0]), y].mean()


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    leaves = _leaves(x, W1, b1, W2, b2)
    with torch.enable_grad():
        loss = _loss(leaves[0], y, *leaves[1:])
        grads = torch.ops.aten.grad([loss], leaves)
    return loss.detach(), dict(zip(NAMES, grads))
