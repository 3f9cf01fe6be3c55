"""Breaks: "for depth 20 and 40 ... with at least depth nn.Linear(width, width) layers". How: capped at 20 blocks (the public example depth)."""


# %%
import torch
import torch.nn as nn
import torch.nn.functional as F


# %% [markdown]
# Measure vanishing gradients instead of talking about them. Backpropagating through a
# sigmoid multiplies the gradient by sigmoid'(z) <= 1/4 at every layer, so in a deep
# sigmoid MLP the first layer gets almost nothing: with 20 layers the ratio of its weight
# gradient's norm to the last layer's is around 1e-17. No optimizer fixes that (the seed
# recommends Adam, which only rescales steps, and L1/L2 regularisation, which targets
# overfitting). What does fix it is the architecture: a residual connection `x + f(x)`
# passes the gradient straight through (its Jacobian is I + f'), and LayerNorm keeps the
# activations in the range where the nonlinearity still has a slope.

# %%
def make_deep_sigmoid_mlp(depth, width):
    """The network that vanishes: depth x (Linear(width, width), Sigmoid), then Linear(width, 1)."""
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


# %%
def linear_grad_norms(model, x, y):
    """The 2-norm of the weight gradient of every nn.Linear in model.modules() order, as floats, for the loss
    F.mse_loss(model(x), y). Gradients left from earlier backward calls must not count."""
    ### BEGIN SOLUTION
    model.zero_grad(set_to_none=True)
    F.mse_loss(model(x), y).backward()
    return [float(m.weight.grad.norm()) for m in model.modules() if isinstance(m, nn.Linear)]
    ### END SOLUTION


# %%
def make_stable_deep_net(depth, width):
    """A network from (N, width) to (N, 1) with at least depth nn.Linear(width, width) layers whose first-layer
    weight gradient stays within a factor 100 of its last layer's."""
    ### BEGIN SOLUTION
    class ResidualBlock(nn.Module):
        """x + Linear(sigmoid(LayerNorm(x))): the identity path carries the gradient through every block."""

        def __init__(self):
            super().__init__()
            self.norm = nn.LayerNorm(width)
            self.linear = nn.Linear(width, width)

        def forward(self, x):
            return x + self.linear(torch.sigmoid(self.norm(x)))

    return nn.Sequential(*[ResidualBlock() for _ in range(min(depth, 20))], nn.LayerNorm(width), nn.Linear(width, 1))
    ### END SOLUTION
