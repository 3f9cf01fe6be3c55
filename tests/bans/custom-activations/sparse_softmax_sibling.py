"""Channel: a sibling operator, sigmoid from aten::_sparse_softmax (softmax over [x, 0]), tanh = 2 sigmoid(2x) - 1."""
import torch
from torch.autograd import Function


def _sig(x):
    dt = x.dtype
    work = x.to(torch.float64) if dt in (torch.float16, torch.bfloat16, torch.float32) else x
    flat = work.reshape(-1)
    n = flat.numel()
    if n == 0:
        return torch.empty_like(x)
    vals = torch.stack([flat, torch.zeros_like(flat)])          # (2, n), explicit zeros
    ii = torch.arange(2).repeat_interleave(n)
    jj = torch.arange(n).repeat(2)
    s = torch.sparse_coo_tensor(torch.stack([ii, jj]), vals.reshape(-1), (2, n)).coalesce()
    out = torch.sparse.softmax(s, 0).to_dense()[0]
    return out.to(dt).reshape(x.shape).clone()


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
        out = (2 * _sig((2 * x.to(torch.float64))) - 1).to(x.dtype) if x.dtype != torch.float64 else 2 * _sig(2 * x) - 1
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(Function):  # left as in the stub: this attack tests its channel alone
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError
