# %% [markdown]
# # Backpropagation by hand: a tanh MLP with a stable softmax cross-entropy
#
# `mlp-backprop-cross-entropy` · code · medium · about 30 min
#
# Write `tanh_mlp_ce_backward(x, y, W1, b1, W2, b2) -> (loss, grads)` for the network `h = tanh(x @ W1.T + b1)`,
# `logits = h @ W2.T + b2`, with `loss = F.cross_entropy(logits, y)` (the mean over the batch of the softmax
# cross-entropy). Shapes: x (N, D) float, y (N,) int64 class indices in [0, C), W1 (H, D), b1 (H,), W2 (C, H), b2 (C,).
# `loss` is a 0-d tensor; `grads` is a dict with keys "W1", "b1", "W2", "b2" and "x", each the gradient of the loss
# with exactly that tensor's shape and dtype, equal to autograd's to 1e-10 in float64. The loss and the gradients must
# stay finite and exact for logits in the hundreds. Do not modify the inputs.
#
# Everything by hand: `torch.autograd`, `.backward()`, `torch.func`, `F.cross_entropy`, `F.nll_loss` and their module
# forms are off limits, and the function is called under `torch.no_grad()`.
#
# The seed explains backpropagation as steps that "repeat" the loss computation layer after layer: in fact the loss is
# computed once, and backward is one reverse sweep that applies the chain rule from the loss back to every leaf.
#
# Check your work: `prep check mlp-backprop-cross-entropy`. Stuck? `prep hint mlp-backprop-cross-entropy`.

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
# * the loss must stay finite for logits in the hundreds: `exp(800)` overflows even in float64;
# * for the mean cross-entropy, `dL/dz2 = (softmax(z2) - onehot(y)) / N`.

# %%
def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    """Mean softmax cross-entropy of the tanh MLP and its gradients, by hand.

    Returns (loss, grads): loss is a 0-d tensor, grads a dict with keys "W1", "b1", "W2", "b2", "x".
    """
    raise NotImplementedError("mlp-backprop-cross-entropy: your code here")
