"""Channel: a sibling bent into SGD. RMSprop with eps = 1e30 and lr multiplied by 1e30 divides by 1e30 and
multiplies it back, and its momentum buffer starts at the first gradient: torch.optim.RMSprop computes SGD with
momentum (no dampening) to the last bit."""

import torch

BIG = 1e30


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0 or (nesterov and (momentum <= 0 or dampening != 0)):
            raise ValueError("invalid hyper-parameter")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))
        self._inner = [torch.optim.RMSprop(g["params"], lr=g["lr"] * BIG, eps=BIG, momentum=g["momentum"],
                                           weight_decay=g["weight_decay"]) for g in self.param_groups]

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for inner in self._inner:
            inner.step()
        return loss
