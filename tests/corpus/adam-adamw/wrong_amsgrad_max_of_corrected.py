"""AMSGrad keeps the maximum of the bias-corrected v_hat instead of the raw v (torch keeps the raw maximum)."""

import math

import torch
from torch.optim import Optimizer


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 _decoupled=False):
        if not lr >= 0.0 or not eps >= 0.0 or not weight_decay >= 0.0:
            raise ValueError("lr, eps and weight_decay must be non-negative")
        if not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError("betas must lie in [0, 1)")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      decoupled=_decoupled))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    st = self.state[p]
                    if len(st) == 0:
                        st["step"] = 0
                        st["exp_avg"] = torch.zeros_like(p)
                        st["exp_avg_sq"] = torch.zeros_like(p)
                        st["max_exp_avg_sq"] = torch.zeros_like(p)
                    st["step"] = st["step"] + 1
                    t = st["step"]
                    grad = p.grad.clone()
                    if group["decoupled"]:
                        p.copy_(p * (1.0 - group["lr"] * group["weight_decay"]))
                    else:
                        grad = grad + group["weight_decay"] * p
                    st["exp_avg"].copy_(b1 * st["exp_avg"] + (1.0 - b1) * grad)
                    st["exp_avg_sq"].copy_(b2 * st["exp_avg_sq"] + (1.0 - b2) * grad * grad)
                    m_hat = st["exp_avg"] / (1.0 - b1 ** t)
                    if group["amsgrad"]:
                        st["max_exp_avg_sq"].copy_(torch.maximum(st["max_exp_avg_sq"], st["exp_avg_sq"] / (1.0 - b2 ** t)))
                        second = st["max_exp_avg_sq"] * (1.0 - b2 ** t)
                    else:
                        second = st["exp_avg_sq"]
                    denom = second.sqrt() / math.sqrt(1.0 - b2 ** t) + group["eps"]
                    p.copy_(p - group["lr"] * m_hat / denom)
        return loss


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, _decoupled=True)
