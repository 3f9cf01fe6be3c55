"""Keeps momentum buffers in its own dict keyed by id(p): state_dict() does not save them."""
import torch


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0 or (nesterov and (momentum <= 0 or dampening != 0)):
            raise ValueError("invalid hyper-parameter")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))
        self.buffers = {}

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if group["momentum"]:
                    if id(p) not in self.buffers:
                        self.buffers[id(p)] = g.clone()
                    else:
                        self.buffers[id(p)] = group["momentum"] * self.buffers[id(p)] + (1 - group["dampening"]) * g
                    buf = self.buffers[id(p)]
                    g = g + group["momentum"] * buf if group["nesterov"] else buf
                p.sub_(group["lr"] * g)
        return loss
