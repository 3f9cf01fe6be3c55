# %% [markdown]
# # Layers by hand: nn.Linear's layout, Xavier and Kaiming initialisation, and spotting dead ReLU units
#
# `weight-init` · code · medium · about 30 min
#
# Write:
#
# * `dense_forward(x, W, b, activation="identity")`: `activation(x @ W.T + b)` in `nn.Linear`'s layout (`W` is
#   `(out, in)`), for activations "identity", "relu", "sigmoid", "tanh"; `ValueError` if `x`'s last dimension is not
#   `W.shape[1]`, `b` is not `(W.shape[0],)`, or the activation is unknown.
# * `fans(shape)`: `(fan_in, fan_out)` for a weight of that shape, as `torch.nn.init` counts them.
# * `gain(nonlinearity, param=None)`: as `torch.nn.init.calculate_gain` for "linear", "conv1d/2d/3d", "sigmoid",
#   "tanh", "relu" and "leaky_relu" (slope `param`, default 0.01).
# * `xavier_uniform_(tensor, gain=1.0, generator=None)` and
#   `kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None)`: fill `tensor` in place
#   (it may be an `nn.Parameter`) and return it, drawing from `generator` exactly as `torch.nn.init`'s versions do, so
#   that the same seed gives the same values.
# * `dead_relu_units(model, x)`: for an `nn.Sequential`, one list per `nn.ReLU` (in order) of the indices of the units
#   whose input is <= 0 for every sample of `x`.
#
# `torch.nn.init`'s initialisers and `calculate_gain` are off limits. The seeds' one-unit ReLU "linear regression" can
# start with its only hidden unit dead, and their forward formula writes Weight . Input for batch rows.
#
# Check your work: `prep check weight-init`. Stuck? `prep hint weight-init`.

# %%
import math

import torch
import torch.nn as nn

# %% [markdown]
# `nn.Linear(in, out)` stores its weight as (out, in) and computes `x @ W.T + b`, so
# fan_in is the second dimension; a conv weight (out, in, kh, kw) has fan_in = in * kh * kw
# and fan_out = out * kh * kw. Initialisers scale the weights by the fans so that
# activations keep their variance through the layers.

# %%
def dense_forward(x, W, b, activation="identity"):
    raise NotImplementedError("weight-init: your code here")


def fans(shape):
    raise NotImplementedError("weight-init: your code here")


def gain(nonlinearity, param=None):
    raise NotImplementedError("weight-init: your code here")

# %%
def xavier_uniform_(tensor, gain=1.0, generator=None):
    raise NotImplementedError("weight-init: your code here")


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    raise NotImplementedError("weight-init: your code here")

# %%
def dead_relu_units(model, x):
    raise NotImplementedError("weight-init: your code here")
