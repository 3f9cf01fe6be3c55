"""Violates "Invalid values raise ValueError as torch's do": it also rejects dampening outside [0, 1], which torch.optim.SGD accepts (torch has no dampening check)."""
import torch


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if lr < 0:
            raise ValueError("lr")
        if momentum < 0:
            raise ValueError("momentum")
        if not 0.0 <= dampening <= 1.0:
            raise ValueError('dampening')
        if weight_decay < 0:
            raise ValueError("weight_decay")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            live = [p for p in group["params"] if p.grad is not None]
            grads = [p.grad if not group["weight_decay"] else torch.add(p.grad, p, alpha=group["weight_decay"])
                     for p in live]
            if group["momentum"] != 0:
                new = []
                for p, g in zip(live, grads):
                    buf = self.state[p].get("momentum_buffer")
                    if buf is None:
                        buf = self.state[p]["momentum_buffer"] = torch.clone(g).detach()
                    else:
                        buf.mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    new.append(g.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf)
                grads = new
            for p, g in zip(live, grads):
                p.add_(g, alpha=-group["lr"])
        return loss
