"""Channel: torch's functional SGD (torch.optim._functional.sgd, the same function as torch.optim.sgd.sgd), fed the
momentum buffers this optimizer keeps itself."""

import torch
from torch.optim import _functional


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0 or (nesterov and (momentum <= 0 or dampening != 0)):
            raise ValueError("invalid hyper-parameter")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            ps = [p for p in g["params"] if p.grad is not None]
            bufs = [self.state[p].get("momentum_buffer") for p in ps]
            _functional.sgd(ps, [p.grad for p in ps], bufs, weight_decay=g["weight_decay"], momentum=g["momentum"],
                            lr=g["lr"], dampening=g["dampening"], nesterov=g["nesterov"], maximize=False,
                            foreach=False)
            if g["momentum"]:
                for p, b in zip(ps, bufs):
                    self.state[p]["momentum_buffer"] = b
        return loss
