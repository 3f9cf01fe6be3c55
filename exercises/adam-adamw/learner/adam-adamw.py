# %% [markdown]
# # Adam and AdamW from scratch: bias correction, decoupled weight decay, AMSGrad
#
# `adam-adamw` · code · medium · about 35 min
#
# Write two `torch.optim.Optimizer` subclasses that follow exactly the update rules of `torch.optim.Adam` and
# `torch.optim.AdamW` (the single-tensor CPU path): for every option below, their parameter trajectories must match
# torch's step by step (float64, relative tolerance 1e-10).
#
# * `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)`: bias-corrected first and
#   second moments; `weight_decay` is an L2 penalty added to the gradient; `eps` is added to
#   `sqrt(v) / sqrt(1 - beta2**t)`; with `amsgrad` the running maximum of `v` replaces `v` in the denominator.
# * `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`: the same, except that the
#   decay is decoupled: `p` is multiplied by `1 - lr * weight_decay` before the Adam step, and the gradient is left
#   alone. (AdamW may subclass your Adam.)
#
# Both must: honour per-group hyper-parameters (a list of dicts as `params`); skip parameters whose `.grad` is None
# (the step count `t` is per parameter, so a skipped parameter's count does not advance); call and return the
# closure's loss in `step(closure)`, also when `step` is called inside `torch.no_grad()`; keep their state in
# `self.state` so that a `state_dict()` / `load_state_dict()` round trip in the middle of training continues the same
# trajectory; and raise `ValueError` for a negative lr, eps or weight_decay, or a beta outside [0, 1).
#
# You may not use `torch.optim.Adam`, `torch.optim.AdamW` or their functional forms. The seeds stop at
# W = W - lr * dL/dW, and one calls `optimizer.step()` without a `backward()`: with no gradients, nothing moves.
#
# Check your work: `prep check adam-adamw`. Stuck? `prep hint adam-adamw`.

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
        raise NotImplementedError("adam-adamw: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("adam-adamw: your code here")


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        raise NotImplementedError("adam-adamw: your code here")
