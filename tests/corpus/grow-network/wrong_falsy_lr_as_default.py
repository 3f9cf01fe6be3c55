"""Tests `if lr:` instead of `lr is not None`: an explicit lr=0.0 (freeze the new layer) falls back to the default lr."""

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
    model.append(layer)
    group = {"params": list(layer.parameters())}
    if lr:
        group["lr"] = lr
    opt.add_param_group(group)
