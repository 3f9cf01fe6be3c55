"""Correct, written differently: hyper-parameters unpacked per group into locals, the first step detected with a
boolean in the state, the buffer built out of place (new tensors each step, never .grad itself), Nesterov as an
explicit look-ahead, and the optimizer base imported under another name."""

import torch
from torch.optim.optimizer import Optimizer as Base


class SGD(Base):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if value < 0:
                raise ValueError(f"{name} must be non-negative, got {value}")
        if nesterov and not (momentum > 0 and dampening == 0):
            raise ValueError("nesterov needs momentum > 0 and dampening == 0")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
                wd, nesterov = group["weight_decay"], group["nesterov"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad + wd * p if wd else p.grad
                    if mu:
                        st = self.state[p]
                        if st.get("started"):
                            buf = mu * st["momentum_buffer"] + (1 - tau) * g
                        else:
                            buf = g * 1.0
                        st["momentum_buffer"], st["started"] = buf, True
                        g = g + mu * buf if nesterov else buf
                    p.copy_(p - lr * g)
        return loss
