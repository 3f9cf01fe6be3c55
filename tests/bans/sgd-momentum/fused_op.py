"""Channel: the fused SGD kernel called directly (torch._fused_sgd_, i.e. aten::_fused_sgd_), one call per group."""

import torch


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
            if not ps:
                continue
            bufs, first = [], False
            if g["momentum"]:
                for p in ps:
                    st = self.state[p]
                    if "momentum_buffer" not in st:
                        st["momentum_buffer"] = torch.zeros_like(p)
                        first = True
                    bufs.append(st["momentum_buffer"])
            torch._fused_sgd_(ps, [p.grad for p in ps], bufs, weight_decay=g["weight_decay"], momentum=g["momentum"],
                              lr=g["lr"], dampening=g["dampening"], nesterov=g["nesterov"], maximize=False,
                              is_first_step=first)
        return loss
