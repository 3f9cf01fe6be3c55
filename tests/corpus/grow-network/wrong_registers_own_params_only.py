"""Registers layer.parameters(recurse=False) (falling back to all parameters when the layer has none of its own): a layer with a parameter of its own next to a child module gets only its own parameter registered, the child is never updated."""

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
# An explicit `lr=0.0` is a learning rate like any other; without `lr` the new group takes `opt.defaults`
# (not the old group's lr, which a scheduler may have changed). `grow` returns None.

# %%
def grow(model, opt, layer, lr=None):
    ### BEGIN SOLUTION
    model.append(layer)
    group = {"params": list(layer.parameters(recurse=False)) or list(layer.parameters())}
    if lr is not None:
        group["lr"] = lr
    opt.add_param_group(group)
    ### END SOLUTION
