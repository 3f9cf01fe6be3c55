# %% [markdown]
# # A network whose depth is chosen at run time: one shared layer, applied as often as the call (or the input) says
#
# `dynamic-depth-net` · code · medium · about 30 min
#
# `DynamicNN(input_dim, hidden_dim, output_dim)` has three given layers, `fc1`, `mid` (hidden to hidden) and `fc2`.
# Write:
#
# * `forward(x, depth)`: `h = relu(fc1(x))`, then `h = relu(mid(h))` exactly `depth` times with the same `mid`
#   (shared weights), then `fc2(h)`. Depth 0 never uses `mid`, so its `.grad` stays None.
# * `forward_until(x, threshold, max_depth)`: the same, but keep applying `mid` while `h.abs().mean()` exceeds
#   `threshold` and fewer than `max_depth` layers have been applied; return `(output, depth used)`.
# * `train_dynamic(model, x, y, steps, lr, max_depth, seed)`: Adam (learning rate `lr`) on `F.mse_loss(model(x,
#   depth), y)`; at each step draw `depth = int(torch.randint(0, max_depth + 1, (1,), generator=g))` from
#   `g = torch.Generator().manual_seed(seed)`. Return `{"losses": [floats], "depths": [ints]}`. After training, the one
#   shared network must fit the data at every depth.
#
# The seed's "dynamic network" is a fixed two-layer MLP: nothing in it is dynamic.
#
# Check your work: `prep check dynamic-depth-net`. Stuck? `prep hint dynamic-depth-net`.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# The seed's "dynamic" network is a fixed two-layer MLP: nothing about it needs a dynamic
# graph. Here the depth is decided at run time: `forward(x, depth)` applies the same
# shared layer `mid` `depth` times, and `forward_until` keeps applying it while the hidden
# activations are still large, so the input itself decides how deep the graph gets.
# Autograd records whatever ran; the shared weights collect the gradients of every use.

# %%
class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x, depth):
        raise NotImplementedError("dynamic-depth-net: your code here")

    def forward_until(self, x, threshold, max_depth):
        raise NotImplementedError("dynamic-depth-net: your code here")

# %%
def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    raise NotImplementedError("dynamic-depth-net: your code here")
