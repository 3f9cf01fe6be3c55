# %% [markdown]
# # Add a layer in the middle of training, and tell the optimizer (without resetting its state)
#
# `grow-network` · code · easy · about 10 min
#
# Write `grow(model, opt, layer, lr=None) -> None`: append `layer` to the `nn.Sequential` `model` and register all its
# parameters with the optimizer `opt` as one new parameter group, whose learning rate is `lr` when given and the
# optimizer's default otherwise; the old parameter group and the optimizer's state for the old parameters (such as Adam's
# moments and step counts) must stay as they are, so that training continues exactly as with `opt.add_param_group`.
#
# Check your work: `prep check grow-network`. Stuck? `prep hint grow-network`.

# %%
from torch import nn

# %% [markdown]
# The seed's third step in "building a dynamic graph" is to "modify the graph during training, e.g. add or remove
# layers". That confuses the *autograd graph* (recorded anew on every forward pass, nothing to modify) with the
# *model's structure*. You can change the structure between steps, but the optimizer only updates the parameters it
# was given: a layer appended after `optimizer = Adam(model.parameters())` gets a `.grad` and is never updated.
#
# Write `grow(model, opt, layer, lr=None)`: append `layer` to the `nn.Sequential` `model` and register its parameters
# with `opt` as a new parameter group (using `lr` for that group when it is given, the optimizer's defaults otherwise),
# without touching the state the optimizer keeps for the old parameters (Adam's moments and step counts).

# %%
def grow(model, opt, layer, lr=None):
    raise NotImplementedError("grow-network: your code here")
