"""RIGHT: forward mode. For an elementwise f the n-th derivative is n nested torch.func.jvp calls with a tangent of
ones; it composes with reverse-mode autograd through x. Past the degree, the probe's own gradient of the result is an
efficient ZeroTensor, which the transport could not send (denied before round 20, h2)."""
import torch
from torch.func import jvp


def nth_derivative(f, x, n):
    def d(fn):
        return lambda z: jvp(fn, (z,), (torch.ones_like(z),))[1]

    fn = f
    for _ in range(n):
        fn = d(fn)
    out = fn(x)
    if out.shape != x.shape or out.dtype != x.dtype:
        out = (torch.zeros_like(x) + out).to(x.dtype)
    return out
