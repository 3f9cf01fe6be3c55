"""Right: out-of-place arithmetic, state tensors replaced (not updated in place), Python-float step counts."""
import torch


def _check(**values):
    for name, v in values.items():
        if v < 0:
            raise ValueError(f"Invalid {name}: {v}")


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        _check(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))
        for g in self.param_groups:
            _check(lr=g["lr"], alpha=g["alpha"], eps=g["eps"], weight_decay=g["weight_decay"], momentum=g["momentum"])

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            wd, mom, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd != 0:
                    g = g + wd * p
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["square_avg"] = torch.zeros_like(p)
                    if mom > 0:
                        st["momentum_buffer"] = torch.zeros_like(p)
                    if centered:
                        st["grad_avg"] = torch.zeros_like(p)
                st["step"] += 1
                v = alpha * st["square_avg"] + (1 - alpha) * g * g
                st["square_avg"] = v
                if centered:
                    a = alpha * st["grad_avg"] + (1 - alpha) * g
                    st["grad_avg"] = a
                    avg = torch.sqrt(v - a * a) + eps
                else:
                    avg = torch.sqrt(v) + eps
                if mom > 0:
                    buf = mom * st["momentum_buffer"] + g / avg
                    st["momentum_buffer"] = buf
                    p.sub_(lr * buf)
                else:
                    p.sub_(lr * g / avg)
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        _check(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
               initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))
        for group in self.param_groups:
            _check(lr=group["lr"], lr_decay=group["lr_decay"], weight_decay=group["weight_decay"],
                   initial_accumulator_value=group["initial_accumulator_value"], eps=group["eps"])
            for p in group["params"]:
                st = self.state[p]
                st["step"] = 0
                st["sum"] = torch.full_like(p, initial_accumulator_value)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, lr_decay, wd, eps = group["lr"], group["lr_decay"], group["weight_decay"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd != 0:
                    g = g + wd * p
                st = self.state[p]
                st["step"] += 1
                clr = lr / (1 + (st["step"] - 1) * lr_decay)
                s = st["sum"] + g * g
                st["sum"] = s
                p.sub_(clr * g / (torch.sqrt(s) + eps))
        return loss
