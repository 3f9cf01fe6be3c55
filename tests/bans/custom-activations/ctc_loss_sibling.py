"""Channel: a sibling kernel with its own log-sum-exp: aten::ctc_loss with T=2, classes {blank, 1}, target [1] and
log-probabilities (x, 0 / 0, -inf) is -log(e^x + 1) = -softplus(x), so sigmoid(x) = exp(x + ctc) and tanh(x) =
2 sigmoid(2x) - 1, exact and finite at |x| = 1000 (found by the round-5 red team). ReLU is left undone, as in the stub."""
import torch
import torch.nn.functional as F
from torch.autograd import Function


def _softplus(x):
    flat = x.reshape(-1).to(torch.float64)
    n = flat.numel()
    if n == 0:
        return flat.reshape(x.shape)
    lp = torch.zeros(2, n, 2, dtype=torch.float64)
    lp[0, :, 1] = flat
    lp[1, :, 0] = float("-inf")
    targets = torch.ones(n, 1, dtype=torch.long)
    loss = F.ctc_loss(lp, targets, torch.full((n,), 2, dtype=torch.long), torch.ones(n, dtype=torch.long),
                      blank=0, reduction="none", zero_infinity=False)
    return (-loss).reshape(x.shape)


def _sig(x):
    w = x.detach().to(torch.float64).cpu()
    return torch.exp(w - _softplus(w)).to(dtype=x.dtype, device=x.device)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        w = x.detach().to(torch.float64).cpu()
        out = (2 * torch.exp(2 * w - _softplus(2 * w)) - 1).to(dtype=x.dtype, device=x.device)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError
