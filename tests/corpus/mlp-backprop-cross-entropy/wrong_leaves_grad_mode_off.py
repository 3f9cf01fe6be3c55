"""Breaks: "Leave torch's process-wide settings as you found them too (grad mode, default dtype, anomaly detection, autocast): change one only inside a `with` block." (learner README). Angle: L. How: the function calls torch.set_grad_enabled(False) ("everything by hand") and never restores it; under the graders' no_grad it is invisible."""


# %%
import torch


# %% [markdown]
# Backpropagation is one reverse sweep over the recorded forward pass: the loss is computed
# once, then each layer turns the gradient of its output into the gradients of its
# parameters and of its input (the chain rule), from the loss back to the input.
#
# The network: `z1 = x @ W1.T + b1`, `h = tanh(z1)`, `z2 = h @ W2.T + b2` (the logits, N x C),
# and the loss is the mean softmax cross-entropy over the batch, as `F.cross_entropy(z2, y)`
# computes it, with `y` holding class indices. Two things to get right:
#
# * the loss must stay finite for logits in the hundreds: `exp(800)` overflows even in float64, and
#   `exp(-800)` underflows to 0, so take the maximum per row and never take the log of a probability;
# * for the mean cross-entropy, `dL/dz2 = (softmax(z2) - onehot(y)) / N`.
#
# `grads` holds exactly the keys "W1", "b1", "W2", "b2", "x", each with its tensor's exact shape and
# dtype, for any N, D, H, C (1 included); the inputs must stay unchanged. `torch.autograd`,
# `.backward()`, `torch.func`, `F.cross_entropy` and `F.nll_loss` are off limits; helpers of your
# own are fine whatever their names (a layer class with a `backward` method included).

# %%
def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    """Mean softmax cross-entropy of the tanh MLP and its gradients, by hand.

    Returns (loss, grads): loss is a 0-d tensor, grads a dict with keys "W1", "b1", "W2", "b2", "x".
    """
    ### BEGIN SOLUTION
    torch.set_grad_enabled(False)
    n = x.shape[0]
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    z2 = h @ W2.T + b2
    # log-softmax through the log-sum-exp: subtracting the row maximum keeps exp() in range
    m = z2.max(dim=1, keepdim=True).values
    lse = m + torch.log(torch.exp(z2 - m).sum(dim=1, keepdim=True))
    log_p = z2 - lse
    loss = -log_p.gather(1, y.view(-1, 1)).sum() / n
    d_z2 = torch.exp(log_p)
    d_z2[torch.arange(n, device=x.device), y] -= 1.0
    d_z2 = d_z2 / n
    dW2 = d_z2.T @ h
    db2 = d_z2.sum(0)
    d_z1 = (d_z2 @ W2) * (1.0 - h * h)   # tanh'(z1) = 1 - tanh(z1)^2
    dW1 = d_z1.T @ x
    db1 = d_z1.sum(0)
    dx = d_z1 @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
    ### END SOLUTION
