# %% [markdown]
# # Your own torch.optim.Optimizer: SGD with momentum, dampening, weight decay and Nesterov
#
# `sgd-momentum` · code · medium · about 35 min
#
# Write `class SGD(torch.optim.Optimizer)` with
# `__init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)` and `step(closure=None)`,
# following exactly the update rule of `torch.optim.SGD`: for every combination of options its parameter trajectories
# must match torch's step by step.
#
# It must honour per-group hyper-parameters (a list of dicts as `params`), skip parameters whose `.grad` is None, call
# and return the closure's loss (also when `step` is called inside `torch.no_grad()`), and survive a
# `state_dict()` / `load_state_dict()` round trip in the middle of training. Invalid values raise `ValueError` as
# torch's do: a negative lr, momentum or weight_decay, and nesterov without momentum or with dampening.
#
# You may not use `torch.optim.SGD` or torch's functional SGD. The seed's optimizer is stateless plain SGD; the seed's
# training loop also forgets `optimizer.zero_grad()`, so its gradients pile up across iterations.
#
# Check your work: `prep check sgd-momentum`. Stuck? `prep hint sgd-momentum`.

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
        raise NotImplementedError("sgd-momentum: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("sgd-momentum: your code here")
