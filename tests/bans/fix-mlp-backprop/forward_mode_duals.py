"""Channel: forward-mode AD (dual tensors from torch.autograd.forward_ad), one JVP per input element."""

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
    import torch.autograd.forward_ad as fwAD

    args = [x, W1, b1, W2, b2]
    grads = {}
    for i, name in enumerate(NAMES):
        g = torch.zeros_like(args[i]).reshape(-1)
        for j in range(g.numel()):
            tangent = torch.zeros_like(args[i]).reshape(-1)
            tangent[j] = 1.0
            with fwAD.dual_level():
                duals = list(args)
                duals[i] = fwAD.make_dual(args[i], tangent.reshape(args[i].shape))
                g[j] = fwAD.unpack_dual(_loss(*duals, t)).tangent
        grads[name] = g.reshape(args[i].shape)
    return _loss(*args, t), grads
