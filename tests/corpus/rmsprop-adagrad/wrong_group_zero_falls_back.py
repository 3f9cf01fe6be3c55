"""Violates "Both must honour per-group hyper-parameters (a list of dicts as params, each group falling back to the constructor's values)": RMSprop reads momentum and weight_decay as group[k] or self.defaults[k], so a group that sets momentum=0 / weight_decay=0 explicitly under a constructor default > 0 gets the constructor's value instead."""

import math

import torch
from torch.optim import Optimizer


def _check(**kw):
    for k, v in kw.items():
        if not v >= 0.0:
            raise ValueError(f"invalid {k}: {v}")


class _Base(Optimizer):
    _names = ()

    def add_param_group(self, group):
        _check(**{k: group.get(k, self.defaults[k]) for k in self._names})
        super().add_param_group(group)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, p.grad, group, self.state[p])
        return loss


class RMSprop(_Base):
    _names = ("lr", "alpha", "eps", "weight_decay", "momentum")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        _check(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _update(self, p, g, grp, st):
        grp = dict(grp)
        for k in ("momentum", "weight_decay"):
            grp[k] = grp[k] or self.defaults[k]
        if grp["weight_decay"] != 0:
            g = g + grp["weight_decay"] * p
        if not st:
            st["step"] = 0
            st["square_avg"] = torch.zeros_like(p)
            if grp["momentum"] > 0:
                st["momentum_buffer"] = torch.zeros_like(p)
            if grp["centered"]:
                st["grad_avg"] = torch.zeros_like(p)
        st["step"] += 1
        a = grp["alpha"]
        v = st["square_avg"]
        v.mul_(a).addcmul_(g, g, value=1 - a)
        if grp["centered"]:
            m = st["grad_avg"]
            m.mul_(a).add_(g, alpha=1 - a)
            denom = (v - m * m).sqrt() + grp["eps"]
        else:
            denom = v.sqrt() + grp["eps"]
        if grp["momentum"] > 0:
            buf = st.setdefault("momentum_buffer", torch.zeros_like(p))
            buf.mul_(grp["momentum"]).add_(g / denom)
            p.sub_(grp["lr"] * buf)
        else:
            p.sub_(grp["lr"] * g / denom)


class Adagrad(_Base):
    _names = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        _check(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
               initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))
        for grp in self.param_groups:
            for p in grp["params"]:
                self.state[p]["step"] = 0
                self.state[p]["sum"] = torch.full_like(p, initial_accumulator_value)

    def _update(self, p, g, grp, st):
        if grp["weight_decay"] != 0:
            g = g + grp["weight_decay"] * p
        st["step"] += 1
        st["sum"].addcmul_(g, g)
        clr = grp["lr"] / (1 + (st["step"] - 1) * grp["lr_decay"])
        p.sub_(clr * g / (st["sum"].sqrt() + grp["eps"]))
