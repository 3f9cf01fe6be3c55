# %% [markdown]
# # Fix the seed's backpropagation formulas: a 2-layer sigmoid MLP by hand, checked against autograd
#
# `fix-mlp-backprop` · fix-bug · medium · about 30 min
#
# Write `mlp_forward_backward(x, W1, b1, W2, b2, t) -> (loss, grads)` for the network
# `h = sigmoid(x @ W1.T + b1)`, `o = h @ W2.T + b2` with the loss `loss = mean((o - t) ** 2)` (what `nn.MSELoss()`
# computes: the mean over all N * K elements). Shapes: x (N, D), W1 (H, D), b1 (H,), W2 (K, H), b2 (K,), t (N, K), in
# `nn.Linear`'s weight layout. `loss` is a 0-d tensor; `grads` is a dict with keys "W1", "b1", "W2", "b2" and "x",
# each the gradient of the loss with respect to that tensor, with exactly its shape and dtype. The gradients must
# equal autograd's to 1e-10 in float64, for any N (1 included), and non-contiguous inputs must work. Do not modify the
# inputs.
#
# Compute everything with plain tensor operations: `torch.autograd`, `.backward()` and `torch.func` are off limits, and
# your function is called under `torch.no_grad()`. The stub uses the seed's formulas: its delta `y - z` has the wrong
# sign (the derivative of the squared error is z - y) and drops the 2 / (N*K) of the mean, and its
# "dL/dInput = Gradient . Weight . Activation'" multiplies by sigmoid' a second time although Gradient already
# contains it. Fix them.
#
# Check your work: `prep check fix-mlp-backprop`. Stuck? `prep hint fix-mlp-backprop`.

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

# %%
def mlp_forward_backward(x, W1, b1, W2, b2, t):
    """Loss and gradients of mean((sigmoid(x W1^T + b1) W2^T + b2 - t)^2), by hand.

    Returns (loss, grads): loss is a 0-d tensor, grads a dict with keys "W1", "b1", "W2", "b2", "x",
    each gradient with exactly the shape and dtype of its tensor.
    """
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    loss = ((o - t) ** 2).mean()
    sigmoid_prime = h * (1 - h)
    # the seed's delta: dL/dz = d(z . y)/dz = y - z
    delta = t - o
    dW2 = delta.T @ h                      # dL/dWeight = Gradient . Input
    db2 = delta.sum(0)                     # dL/dBias = Gradient
    grad_h = delta @ W2 * sigmoid_prime    # dL/dInput = Gradient . Weight . Activation'
    delta_h = grad_h * sigmoid_prime       # Gradient = (...) . Sigmoid'(Input . Weight + Bias)
    dW1 = delta_h.T @ x
    db1 = delta_h.sum(0)
    dx = delta_h @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
