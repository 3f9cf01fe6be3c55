# %% [markdown]
# # Backpropagation by hand: a tanh MLP with a stable softmax cross-entropy
#
# `mlp-backprop-cross-entropy` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write `tanh_mlp_ce_backward(x, y, W1, b1, W2, b2) -> (loss, grads)` for the network `h = tanh(x @ W1.T + b1)`,
# `logits = h @ W2.T + b2`, with `loss = F.cross_entropy(logits, y)` (the mean over the batch of the softmax
# cross-entropy). Shapes: x (N, D) float32 or float64 (the weights and biases too), y (N,) int64 class indices in
# [0, C), W1 (H, D), b1 (H,), W2 (C, H), b2 (C,).
# `loss` is a 0-d tensor; `grads` is a dict with exactly the keys "W1", "b1", "W2", "b2" and "x", each the gradient of
# the loss with exactly that tensor's shape and dtype, equal to autograd's to 1e-10 in float64, for any N, D, H and C
# (1 included). The loss and the gradients must stay finite and exact for logits in the hundreds, however far apart
# the rows are and however far the true class's logit lies below its row's maximum. Do not modify the inputs.
#
# Everything by hand: `torch.autograd`, `.backward()`, `torch.func`, `F.cross_entropy`, `F.nll_loss` and their module
# forms are off limits, and the function is called under `torch.no_grad()`. Helpers of your own are fine whatever
# their names, layer classes with their own `backward` methods included.
#
# The sample answer explains backpropagation as steps that "repeat" the loss computation layer after layer: in fact the loss is
# computed once, and backward is one reverse sweep that applies the chain rule from the loss back to every leaf.
#
# 编写 `tanh_mlp_ce_backward(x, y, W1, b1, W2, b2) -> (loss, grads)`，针对网络 `h = tanh(x @ W1.T + b1)`、`logits = h @ W2.T + b2`，其中 `loss = F.cross_entropy(logits, y)`（softmax 交叉熵在批次上的平均值）。形状：x 为 (N, D)，float32 或 float64（权重和偏置也是），y 为 (N,) int64 类别下标，取值在 [0, C) 内，W1 为 (H, D)，b1 为 (H,)，W2 为 (C, H)，b2 为 (C,)。`loss` 是 0 维张量；`grads` 是一个字典，键恰好为 "W1"、"b1"、"W2"、"b2" 和 "x"，每个值是 loss 对相应张量的梯度，形状和 dtype 与该张量完全相同，在 float64 下与 autograd 的结果一致到 1e-10，对任意 N、D、H 和 C（包括 1）都成立。即使 logits 达到数百，无论各行之间相距多远，也无论真实类别的 logit 比所在行的最大值低多少，loss 和梯度都必须保持有限且精确。不要修改输入。
#
# 一切都要手写：`torch.autograd`、`.backward()`、`torch.func`、`F.cross_entropy`、`F.nll_loss` 以及它们的模块形式都不能使用，而且该函数是在 `torch.no_grad()` 下调用的。你自己的辅助函数不论叫什么名字都可以，包括带有自己的 `backward` 方法的层类。
#
# 示例答案把反向传播解释为逐层“重复”损失计算的若干步骤：实际上损失只计算一次，而反向传播是一次反向遍历，从损失出发一直到每个叶子，沿途应用链式法则。
#
# Check your work: `prep check mlp-backprop-cross-entropy`. Stuck? `prep hint mlp-backprop-cross-entropy`.
#
# 检查你的答案：`prep check mlp-backprop-cross-entropy`。卡住了？`prep hint mlp-backprop-cross-entropy`。

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
    raise NotImplementedError("mlp-backprop-cross-entropy: your code here")
