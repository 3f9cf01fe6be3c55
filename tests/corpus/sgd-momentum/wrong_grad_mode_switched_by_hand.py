"""Breaks: "Leave torch's process-wide settings as you found them too (grad mode, default dtype, anomaly detection, autocast): change one only inside a `with` block." (learner README). Angle: L. How: step turns grad mode off with set_grad_enabled(False) and ends with set_grad_enabled(True) instead of the no_grad decorator: a step called inside torch.no_grad() leaves grad mode on."""


# %%
import torch


# %% [markdown]
# An optimizer keeps per-parameter state (here the momentum buffer) in `self.state[p]`,
# and its hyper-parameters in `self.param_groups`, so that each group can have its own
# and `state_dict()` / `load_state_dict()` can save and restore both. The update of
# `torch.optim.SGD`, for gradient g of parameter p:
#
#     g = g + weight_decay * p
#     first step:  buf = g                       (no dampening on the first step)
#     later:       buf = momentum * buf + (1 - dampening) * g
#     g = g + momentum * buf  if nesterov  else  buf
#     p = p - lr * g

# %%
class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        ### BEGIN SOLUTION
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov)
        super().__init__(params, defaults)
        ### END SOLUTION

    def step(self, closure=None):
        ### BEGIN SOLUTION
        loss = None
        if closure is not None:
            with torch.enable_grad():  # the closure builds a graph even if step runs under no_grad
                loss = closure()
        torch.set_grad_enabled(False)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if group["momentum"] != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = torch.clone(d_p).detach()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(group["momentum"]).add_(d_p, alpha=1 - group["dampening"])
                    d_p = d_p.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(d_p, alpha=-group["lr"])
        torch.set_grad_enabled(True)
        return loss
        ### END SOLUTION
