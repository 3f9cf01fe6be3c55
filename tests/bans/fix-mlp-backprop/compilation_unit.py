"""Channel: TorchScript compiled from a string by torch._C.CompilationUnit (not torch.jit.script),
whose torch.autograd.grad is the C++ engine's."""

import torch


def _leaves(x, W1, b1, W2, b2):
    return [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]


def _loss(x, W1, b1, W2, b2, t):
    # sigmoid written out, so that no banned derivative kernel (sigmoid_backward) is on the graph:
    # the attack tests its channel alone
    h = 1 / (1 + torch.exp(-(x @ W1.T + b1)))
    return ((h @ W2.T + b2 - t) ** 2).mean()


NAMES = ("x", "W1", "b1", "W2", "b2")

SOURCE = '''
def g(loss: Tensor, leaves: List[Tensor]) -> List[Optional[Tensor]]:
    return torch.autograd.grad([loss], leaves)
'''


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    unit = torch._C.CompilationUnit()
    unit.define(SOURCE)
    leaves = _leaves(x, W1, b1, W2, b2)
    with torch.enable_grad():
        loss = _loss(*leaves, t)
        grads = unit.g(loss, leaves)
    return loss.detach(), dict(zip(NAMES, grads))
