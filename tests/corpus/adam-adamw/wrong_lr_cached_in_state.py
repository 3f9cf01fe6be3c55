"""Violates 'honour per-group hyper-parameters': the group's lr is frozen into each parameter's state at its first step, so a later change of group['lr'] (an LR scheduler, a manual decay) is ignored."""
import math
from functools import partial

import torch
from torch.optim import Optimizer


def _check(lr, betas, eps, weight_decay):
    for name, val in (("lr", lr), ("eps", eps), ("weight_decay", weight_decay)):
        if not val >= 0.0:
            raise ValueError(f"invalid {name}: {val}")
    for i, b in enumerate(betas):
        if not (0.0 <= b < 1.0):
            raise ValueError(f"invalid beta {i}: {b}")


def _adam_one(p, g, st, *, lr, b1, b2, eps, wd, amsgrad, decoupled):
    if not st:
        st["step"] = 0
        st["exp_avg"] = torch.zeros_like(p)
        st["exp_avg_sq"] = torch.zeros_like(p)
        if amsgrad:
            st["max_exp_avg_sq"] = torch.zeros_like(p)
    st["step"] = st["step"] + 1
    t = st["step"]
    if wd != 0:
        if decoupled:
            p.mul_(1.0 - lr * wd)
        else:
            g = g + wd * p
    lr = st.setdefault("lr", lr)
    m = st["exp_avg"]
    v = st["exp_avg_sq"]
    m.mul_(b1).add_(g, alpha=1.0 - b1)
    v.mul_(b2).add_(g * g, alpha=1.0 - b2)
    if amsgrad:
        vmax = st.setdefault("max_exp_avg_sq", torch.zeros_like(p))
        torch.max(vmax, v, out=vmax)
        v = vmax
    denom = v.sqrt().div(math.sqrt(1.0 - b2 ** t)).add(eps)
    p.addcdiv_(m, denom, value=-(lr / (1.0 - b1 ** t)))


class Adam(Optimizer):
    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad})

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                upd = partial(_adam_one, lr=group["lr"], b1=group["betas"][0], b2=group["betas"][1],
                              eps=group["eps"], wd=group["weight_decay"], amsgrad=group["amsgrad"],
                              decoupled=self.decoupled)
                for p in group["params"]:
                    if p.grad is not None:
                        upd(p, p.grad, self.state[p])
        return loss


class AdamW(Adam):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
