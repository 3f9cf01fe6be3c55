"""Channel: TorchScript's own autodiff. With the legacy graph executor (torch._C._jit_set_profiling_executor(False)),
the loss compiled by torch._C.CompilationUnit and run on leaves that require grad gets a DifferentiableGraph, whose
backward node the executor builds itself (the dispatcher's autograd keys excluded); TorchScript's torch.autograd.grad
runs it."""

import torch

torch._C._jit_set_profiling_executor(False)
torch._C._jit_set_profiling_mode(False)

NAMES = ("x", "W1", "b1", "W2", "b2")

SOURCE = '''
def loss_of(x, onehot, ones, W1, b1, W2, b2):
    h = 2.0 / (1.0 + torch.exp((torch.matmul(x, W1.t()) + b1) * -2.0)) - 1.0
    z = torch.matmul(h, W2.t()) + b2
    # every operation one that TorchScript's autodiff differentiates (a sum over a dim is not: a matmul with ones is)
    logp = z - torch.log(torch.matmul(torch.exp(z), ones))
    return -torch.matmul(logp * onehot, ones).mean()

def grads_of(loss: Tensor, leaves: List[Tensor]) -> List[Optional[Tensor]]:
    return torch.autograd.grad([loss], leaves)
'''


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    unit = torch._C.CompilationUnit()
    unit.define(SOURCE)
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    with torch.enable_grad():
        onehot = torch.nn.functional.one_hot(y, W2.shape[0]).to(x.dtype)
        ones = torch.ones(W2.shape[0], 1, dtype=x.dtype)
        loss = unit.loss_of(leaves[0], onehot, ones, *leaves[1:])
        grads = unit.grads_of(loss, leaves)
    return loss.detach(), dict(zip(NAMES, grads))
