"""Channel: TorchScript's own autodiff. With the legacy graph executor (torch._C._jit_set_profiling_executor(False)),
a TorchScript function run on inputs that require grad gets a DifferentiableGraph: the executor builds its backward
node itself, not through the dispatcher's autograd keys, so the graph exists with those keys excluded, and
TorchScript's torch.autograd.grad (the C++ engine) runs it."""

import torch

torch._C._jit_set_profiling_executor(False)
torch._C._jit_set_profiling_mode(False)

SOURCE = '''
def loss_of(x, W1, b1, W2, b2, t):
    h = 1.0 / (1.0 + torch.exp(-(torch.matmul(x, W1.t()) + b1)))
    d = torch.matmul(h, W2.t()) + b2 - t
    return (d * d).mean()

def grads_of(loss: Tensor, leaves: List[Tensor]) -> List[Optional[Tensor]]:
    return torch.autograd.grad([loss], leaves)
'''

NAMES = ("x", "W1", "b1", "W2", "b2")


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    unit = torch._C.CompilationUnit()
    unit.define(SOURCE)
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    with torch.enable_grad():
        loss = unit.loss_of(*leaves, t)
        grads = unit.grads_of(loss, leaves)
    return loss.detach(), dict(zip(NAMES, grads))
