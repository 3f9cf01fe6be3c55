"""Builds the new group as a copy of the old group's settings (dict(opt.param_groups[0])) with the new parameters: right until a scheduler or a second grow makes the old group differ from the defaults."""

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
    group = {k: v for k, v in opt.param_groups[-1].items() if k != "params"}
    group["params"] = list(layer.parameters())
    if lr is not None:
        group["lr"] = lr
    opt.add_param_group(group)
