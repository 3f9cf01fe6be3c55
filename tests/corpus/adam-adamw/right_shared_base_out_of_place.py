"""Correct, written differently: a shared base class with a class-level `decoupled` switch, the update in a
module-level helper working out of place (p.copy_ at the end), the step count kept as a 0-d float64 tensor, and
the optimizer base imported under another name."""

import torch
from torch.optim import Optimizer as _Base


def _check(lr, betas, eps, weight_decay):
    problems = [lr < 0, eps < 0, weight_decay < 0] + [not (0 <= b < 1) for b in betas]
    if any(problems):
        raise ValueError(f"invalid hyper-parameters lr={lr} betas={betas} eps={eps} weight_decay={weight_decay}")


def _update(p, grad, st, lr, b1, b2, eps, wd, amsgrad, decoupled):
    st["step"] = st["step"] + 1
    t = float(st["step"])
    if decoupled:
        p_new = p * (1 - lr * wd)
    else:
        p_new = p.clone()
        grad = grad + wd * p
    st["exp_avg"] = b1 * st["exp_avg"] + (1 - b1) * grad
    st["exp_avg_sq"] = b2 * st["exp_avg_sq"] + (1 - b2) * grad * grad
    second = st["exp_avg_sq"]
    if amsgrad:
        st["max_exp_avg_sq"] = torch.maximum(st["max_exp_avg_sq"], second)
        second = st["max_exp_avg_sq"]
    denom = torch.sqrt(second) / (1 - b2 ** t) ** 0.5 + eps
    step_size = lr / (1 - b1 ** t)
    p.copy_(p_new - step_size * st["exp_avg"] / denom)


class _AdamFamily(_Base):
    decoupled = False

    def __init__(self, params, lr, betas, eps, weight_decay, amsgrad):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                  "amsgrad": amsgrad})

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in [q for q in group["params"] if q.grad is not None]:
                    st = self.state[p]
                    if not st:
                        st["step"] = torch.tensor(0.0, dtype=torch.float64)
                        st["exp_avg"] = torch.zeros_like(p)
                        st["exp_avg_sq"] = torch.zeros_like(p)
                        st["max_exp_avg_sq"] = torch.zeros_like(p)
                    _update(p, p.grad, st, group["lr"], b1, b2, group["eps"], group["weight_decay"],
                            group["amsgrad"], self.decoupled)
        return loss


class Adam(_AdamFamily):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class AdamW(_AdamFamily):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
