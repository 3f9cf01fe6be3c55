# %% [markdown]
# # RMSprop and Adagrad from scratch: per-coordinate step sizes, momentum, centring, lr decay
#
# `rmsprop-adagrad` · code · medium · about 30 min
#
# Write two `torch.optim.Optimizer` subclasses whose parameter trajectories match `torch.optim.RMSprop` and
# `torch.optim.Adagrad` step by step (float64, relative tolerance 1e-10) for every option below:
#
# * `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)`
# * `Adagrad(params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)`
#
# For gradient g of parameter p, after adding `weight_decay * p` to g when weight_decay is not 0:
#
#     Adagrad:  t = t + 1   (per parameter; sum starts at initial_accumulator_value)
#               sum = sum + g * g
#               p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
#     RMSprop:  v = alpha * v + (1 - alpha) * g * g                         (v starts at 0)
#               centered:  a = alpha * a + (1 - alpha) * g;  avg = sqrt(v - a * a) + eps
#               otherwise: avg = sqrt(v) + eps
#               momentum > 0:  buf = momentum * buf + g / avg;  p = p - lr * buf   (buf starts at 0)
#               otherwise:     p = p - lr * g / avg
#
# Both must honour per-group hyper-parameters (a list of dicts as `params`); skip
# parameters whose `.grad` is None (Adagrad's step count is per parameter); call and return the closure's loss in
# `step(closure)`, also inside `torch.no_grad()`; keep their state in `self.state` so that a `state_dict()` /
# `load_state_dict()` round trip in the middle of training continues the same trajectory; and raise `ValueError` for
# any negative hyper-parameter (RMSprop: lr, alpha, eps, weight_decay, momentum; Adagrad: lr, lr_decay, weight_decay,
# initial_accumulator_value, eps).
#
# You may not use `torch.optim.RMSprop`, `torch.optim.Adagrad` or their functional forms. The seed explains gradient
# descent with one learning rate shared by every weight; these two give each coordinate its own.
#
# Check your work: `prep check rmsprop-adagrad`. Stuck? `prep hint rmsprop-adagrad`.

# %%
import torch

# %% [markdown]
# Adagrad divides by the root of the sum of all squared gradients (so its steps only
# shrink); RMSprop by the root of a running average of them (it forgets at rate alpha).
# The exact update rules are in the task text.

# %%
class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        raise NotImplementedError("rmsprop-adagrad: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("rmsprop-adagrad: your code here")


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        raise NotImplementedError("rmsprop-adagrad: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("rmsprop-adagrad: your code here")
