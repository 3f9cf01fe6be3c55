"""Adagrad decays the rate as lr / (1 + t * lr_decay): already decayed at the first step."""

import torch


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        if min(lr, alpha, eps, weight_decay, momentum) < 0:
            raise ValueError("hyper-parameters must be non-negative")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for gr in self.param_groups:
                for p in gr["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad + gr["weight_decay"] * p
                    s = self.state[p]
                    v = s.get("square_avg", torch.zeros_like(p))
                    v = gr["alpha"] * v + (1 - gr["alpha"]) * g * g
                    s["square_avg"] = v
                    if gr["centered"]:
                        a = s.get("grad_avg", torch.zeros_like(p))
                        a = gr["alpha"] * a + (1 - gr["alpha"]) * g
                        s["grad_avg"] = a
                        avg = torch.sqrt(v - a * a) + gr["eps"]
                    else:
                        avg = torch.sqrt(v) + gr["eps"]
                    if gr["momentum"] > 0:
                        buf = s.get("momentum_buffer", torch.zeros_like(p))
                        buf = gr["momentum"] * buf + g / avg
                        s["momentum_buffer"] = buf
                        p -= gr["lr"] * buf
                    else:
                        p -= gr["lr"] * g / avg
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        if min(lr, lr_decay, weight_decay, initial_accumulator_value, eps) < 0:
            raise ValueError("hyper-parameters must be non-negative")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for gr in self.param_groups:
                for p in gr["params"]:
                    if p.grad is None:
                        continue
                    s = self.state[p]
                    t = s.get("step", 0) + 1
                    s["step"] = t
                    total = s.get("sum", torch.full_like(p, self.defaults["initial_accumulator_value"]))
                    g = p.grad + gr["weight_decay"] * p
                    total = total + g * g
                    s["sum"] = total
                    rate = gr["lr"] / (1 + t * gr["lr_decay"])
                    p -= rate * g / (total.sqrt() + gr["eps"])
        return loss
