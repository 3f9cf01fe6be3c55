"""AdamW decays every parameter, also those whose .grad is None (torch skips them entirely)."""

# %%
import torch


# %% [markdown]
# Adam keeps two running averages per parameter, of the gradient (`exp_avg`, m) and of its
# square (`exp_avg_sq`, v), and a step count. For gradient g of parameter p at step t
# (t counted per parameter, from 1), the update of `torch.optim.Adam` is:
#
#     Adam:   g = g + weight_decay * p            (L2 penalty folded into the gradient)
#     AdamW:  p = p * (1 - lr * weight_decay)     (decoupled: the gradient is left alone)
#     m = beta1 * m + (1 - beta1) * g
#     v = beta2 * v + (1 - beta2) * g * g
#     amsgrad:  v_max = max(v_max, v), and v_max replaces v below
#     denom = sqrt(v) / sqrt(1 - beta2**t) + eps
#     p = p - lr / (1 - beta1**t) * m / denom
#
# Both averages start at zero, so without the bias corrections `1 - beta**t` the first
# steps would be far too short (m is only 0.1 g after one step).

# %%
class Adam(torch.optim.Optimizer):
    """Adam with bias correction, optional L2 weight decay and AMSGrad, as torch.optim.Adam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    if getattr(self, 'decoupled', False) and wd != 0:
                        p.mul_(1 - lr * wd)
                    continue
                g = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                if wd != 0:
                    if getattr(self, "decoupled", False):
                        p.mul_(1 - lr * wd)
                    else:
                        g = g.add(p, alpha=wd)
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                if group["amsgrad"]:
                    torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
                    v = state["max_exp_avg_sq"]
                denom = (v.sqrt() / (1 - beta2 ** t) ** 0.5).add_(eps)
                p.addcdiv_(m, denom, value=-lr / (1 - beta1 ** t))
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        self.decoupled = True  # read by Adam.step: decay the weights, not the gradient
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
