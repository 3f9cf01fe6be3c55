"""Right (written as a wrong, turned out right): x.view(N, -1) to the same shape is allowed for any strides, so transposed x works."""


# %%
import torch


# %% [markdown]
# The network: `h = sigmoid(x @ W1.T + b1)`, `o = h @ W2.T + b2`, and the loss
# `L = mean((o - t) ** 2)`, exactly what `nn.MSELoss()` computes (the mean over all N * K elements).
# Weights are in `nn.Linear`'s layout: `W1` is (H, D), `W2` is (K, H).
#
# The stub backpropagates with the seed's formulas. Run it against autograd on a small
# example and find what is wrong:
#
# * the seed's delta, "dL/dz = d(z . y)/dz = y - z";
# * its "Gradient = (Output - Target) * sigmoid'(...)", which forgets what `mean` divides by;
# * its "dL/dInput = Gradient * Weight * Activation'", where Gradient already contains the activation's derivative.
#
# Write every gradient with plain tensor operations: `torch.autograd`, `.backward()` and
# `torch.func` are off limits here (the graders call your function under `torch.no_grad()`).
# Helpers of your own are fine whatever their names, layer classes with a `backward` method included.
# `grads` holds exactly the keys "W1", "b1", "W2", "b2", "x", each with its tensor's exact shape and
# dtype; any N, D, H, K (1 included) and non-contiguous inputs must work, and the inputs must stay unchanged.

# %%
def mlp_forward_backward(x, W1, b1, W2, b2, t):
    """Loss and gradients of mean((sigmoid(x W1^T + b1) W2^T + b2 - t)^2), by hand.

    Returns (loss, grads): loss is a 0-d tensor, grads a dict with keys "W1", "b1", "W2", "b2", "x",
    each gradient with exactly the shape and dtype of its tensor.
    """
    ### BEGIN SOLUTION
    x = x.view(x.shape[0], -1)
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    loss = ((o - t) ** 2).mean()
    # dL/do: the mean divides by every element of o, N * K of them; the sign is (o - t).
    d_o = 2.0 * (o - t) / o.numel()
    dW2 = d_o.T @ h                  # (K, H): the shape of W2, summed over the batch
    db2 = d_o.sum(0)
    d_h = d_o @ W2                   # dL/dh: through the linear layer, no activation here
    d_z1 = d_h * h * (1.0 - h)       # sigmoid'(z1) = h (1 - h), applied once
    dW1 = d_z1.T @ x
    db1 = d_z1.sum(0)
    dx = d_z1 @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
    ### END SOLUTION
    ### BEGIN STUB
    # z1 = x @ W1.T + b1
    # h = torch.sigmoid(z1)
    # o = h @ W2.T + b2
    # loss = ((o - t) ** 2).mean()
    # sigmoid_prime = h * (1 - h)
    # # the seed's delta: dL/dz = d(z . y)/dz = y - z
    # delta = t - o
    # dW2 = delta.T @ h                      # dL/dWeight = Gradient . Input
    # db2 = delta.sum(0)                     # dL/dBias = Gradient
    # grad_h = delta @ W2 * sigmoid_prime    # dL/dInput = Gradient . Weight . Activation'
    # delta_h = grad_h * sigmoid_prime       # Gradient = (...) . Sigmoid'(Input . Weight + Bias)
    # dW1 = delta_h.T @ x
    # db1 = delta_h.sum(0)
    # dx = delta_h @ W1
    # return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
    ### END STUB
