"""Correct, written differently: the update rules as module-level functions returning new tensors, Adagrad's state
created eagerly in __init__ with a 0-d tensor step count (as torch does), RMSprop's buffers created only when needed,
and validation through one helper."""

import math

import torch
from torch import optim


def _nonneg(**values):
    for name, v in values.items():
        if v < 0:
            raise ValueError(f"{name} must be >= 0, got {v}")


def _rmsprop(p, g, st, lr, alpha, eps, wd, momentum, centered):
    if wd:
        g = g + wd * p
    st["square_avg"] = alpha * st.get("square_avg", torch.zeros_like(p)) + (1 - alpha) * g * g
    if centered:
        st["grad_avg"] = alpha * st.get("grad_avg", torch.zeros_like(p)) + (1 - alpha) * g
        avg = torch.sqrt(st["square_avg"] - st["grad_avg"] ** 2) + eps
    else:
        avg = torch.sqrt(st["square_avg"]) + eps
    if momentum > 0:
        st["momentum_buffer"] = momentum * st.get("momentum_buffer", torch.zeros_like(p)) + g / avg
        return p - lr * st["momentum_buffer"]
    return p - lr * g / avg


def _adagrad(p, g, st, lr, lr_decay, wd, eps):
    st["step"] += 1
    if wd:
        g = g + wd * p
    st["sum"] = st["sum"] + g * g
    rate = lr / (1 + (float(st["step"]) - 1) * lr_decay)
    return p - rate * g / (torch.sqrt(st["sum"]) + eps)


class RMSprop(optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        _nonneg(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                                  "momentum": momentum, "centered": centered})

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for g in self.param_groups:
                for p in g["params"]:
                    if p.grad is not None:
                        p.copy_(_rmsprop(p, p.grad, self.state[p], g["lr"], g["alpha"], g["eps"], g["weight_decay"],
                                         g["momentum"], g["centered"]))
        return loss


class Adagrad(optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        _nonneg(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "eps": eps})
        for g in self.param_groups:
            for p in g["params"]:
                self.state[p] = {"step": torch.tensor(0.0, dtype=torch.float64),
                                 "sum": torch.full_like(p, initial_accumulator_value)}

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for g in self.param_groups:
                for p in g["params"]:
                    if p.grad is not None:
                        p.copy_(_adagrad(p, p.grad, self.state[p], g["lr"], g["lr_decay"], g["weight_decay"],
                                         g["eps"]))
        return loss
