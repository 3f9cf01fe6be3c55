"""Channel: torch's Python reference and decomposition of softplus (torch._refs, torch._decomp), which compute it
from other operators without aten::softplus."""
import torch
import torch._decomp
import torch._refs.nn.functional as refs


def _stable(x):
    try:
        return refs.softplus(x)
    except Exception:
        table = torch._decomp.decomposition_table
        return table[torch.ops.aten.softplus.default](x, 1, 20)


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _stable(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * torch.sigmoid(x)


def softplus(x):
    return Softplus.apply(x)
