"""Wrong: RMSprop's constructor reads an explicit lr=0.0 as missing (`lr = lr or 1e-2`), so p moves where torch's
RMSprop(lr=0.0) leaves it unchanged (the task allows any non-negative lr)."""
import torch


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        for name, v in (("lr", lr), ("alpha", alpha), ("eps", eps), ("weight_decay", weight_decay), ("momentum", momentum)):
            if v < 0:
                raise ValueError(f"invalid {name}: {v}")
        lr = lr or 1e-2
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
                if group[name] < 0:
                    raise ValueError(f"invalid {name}: {group[name]}")

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
                    g = g.add(p, alpha=wd)
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["square_avg"] = torch.zeros_like(p)
                    if mom > 0:
                        st["momentum_buffer"] = torch.zeros_like(p)
                    if centered:
                        st["grad_avg"] = torch.zeros_like(p)
                st["step"] += 1
                v = st["square_avg"]
                v.mul_(alpha).addcmul_(g, g, value=1 - alpha)
                if centered:
                    a = st["grad_avg"]
                    a.mul_(alpha).add_(g, alpha=1 - alpha)
                    avg = v.addcmul(a, a, value=-1).sqrt_().add_(eps)
                else:
                    avg = v.sqrt().add_(eps)
                if mom > 0:
                    buf = st["momentum_buffer"]
                    buf.mul_(mom).addcdiv_(g, avg)
                    p.add_(buf, alpha=-lr)
                else:
                    p.addcdiv_(g, avg, value=-lr)
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        for name, v in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value), ("eps", eps)):
            if v < 0:
                raise ValueError(f"invalid {name}: {v}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for name in ("lr", "lr_decay", "weight_decay", "eps"):
                if group[name] < 0:
                    raise ValueError(f"invalid {name}: {group[name]}")
            for p in group["params"]:
                st = self.state[p]
                st["step"] = torch.tensor(0.0)
                st["sum"] = torch.full_like(p, initial_accumulator_value, memory_format=torch.preserve_format)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd != 0:
                    g = g.add(p, alpha=wd)
                st = self.state[p]
                st["step"] += 1
                t = st["step"].item()
                clr = lr / (1 + (t - 1) * lr_decay)
                st["sum"].addcmul_(g, g, value=1)
                std = st["sum"].sqrt().add_(eps)
                p.addcdiv_(g, std, value=-clr)
        return loss
