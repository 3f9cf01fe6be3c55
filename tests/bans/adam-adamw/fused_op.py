"""Channel: the fused Adam kernel called directly through torch.ops.aten (aten::_fused_adam_ / _fused_adamw_),
one call per param group."""

import torch


class Adam(torch.optim.Optimizer):
    op = "_fused_adam_"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        if lr < 0 or eps < 0 or weight_decay < 0 or not all(0 <= b < 1 for b in betas):
            raise ValueError("invalid hyper-parameter")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        kernel = getattr(torch.ops.aten, self.op)
        for group in self.param_groups:
            ps = [p for p in group["params"] if p.grad is not None]
            for p in ps:
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0, dtype=torch.float32)
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                    st["max_exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
            if ps:
                kernel(ps, [p.grad for p in ps], [self.state[p]["exp_avg"] for p in ps],
                       [self.state[p]["exp_avg_sq"] for p in ps], ([self.state[p]["max_exp_avg_sq"] for p in ps] if group["amsgrad"] else []),
                       [self.state[p]["step"] for p in ps], lr=group["lr"], beta1=group["betas"][0],
                       beta2=group["betas"][1], weight_decay=group["weight_decay"], eps=group["eps"],
                       amsgrad=group["amsgrad"], maximize=False)
        return loss


class AdamW(Adam):
    op = "_fused_adamw_"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
