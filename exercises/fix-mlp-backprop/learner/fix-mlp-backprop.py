# %% [markdown]
# # Fix the sample answer's backpropagation formulas: a 2-layer sigmoid MLP by hand, checked against autograd
#
# `fix-mlp-backprop` · fix-bug / 修复 bug · medium / 中等 · about 30 min / 约 30 分钟
#
# Write `mlp_forward_backward(x, W1, b1, W2, b2, t) -> (loss, grads)` for the network
# `h = sigmoid(x @ W1.T + b1)`, `o = h @ W2.T + b2` with the loss `loss = mean((o - t) ** 2)` (what `nn.MSELoss()`
# computes: the mean over all N * K elements). Shapes: x (N, D), W1 (H, D), b1 (H,), W2 (K, H), b2 (K,), t (N, K), in
# `nn.Linear`'s weight layout. `loss` is a 0-d tensor; `grads` is a dict with exactly the keys "W1", "b1", "W2", "b2"
# and "x", each the gradient of the loss with respect to that tensor, with exactly its shape and dtype. The gradients
# must equal autograd's to 1e-10 in float64, for any N, D, H and K (1 included), and non-contiguous inputs (transposed,
# strided or expanded views) must work. Do not modify the inputs.
#
# Compute everything with plain tensor operations: `torch.autograd`, `.backward()` and `torch.func` are off limits, and
# your function is called under `torch.no_grad()`. Helpers of your own are fine whatever their names, layer classes
# with their own `backward` methods included. The stub uses the sample answer's formulas: its delta `y - z` has the wrong
# sign (the derivative of the squared error is z - y) and drops the 2 / (N*K) of the mean, and its
# "dL/dInput = Gradient . Weight . Activation'" multiplies by sigmoid' a second time although Gradient already
# contains it. Fix them.
#
# 为网络 `h = sigmoid(x @ W1.T + b1)`、`o = h @ W2.T + b2` 编写 `mlp_forward_backward(x, W1, b1, W2, b2, t) -> (loss, grads)`，损失为 `loss = mean((o - t) ** 2)`（即 `nn.MSELoss()` 计算的结果：对全部 N * K 个元素取平均）。形状：x (N, D)、W1 (H, D)、b1 (H,)、W2 (K, H)、b2 (K,)、t (N, K)，采用 `nn.Linear` 的权重布局。`loss` 是 0 维张量；`grads` 是一个字典，键恰好为 "W1"、"b1"、"W2"、"b2" 和 "x"，每个值是损失对相应张量的梯度，形状和 dtype 与该张量完全相同。对任意 N、D、H 和 K（包括 1），梯度在 float64 下都必须与 autograd 的结果一致到 1e-10，并且非连续的输入（转置、带步长或 expand 得到的视图）也必须能正常工作。不要修改输入。
#
# 全部用普通的张量运算计算：`torch.autograd`、`.backward()` 和 `torch.func` 都禁止使用，而且你的函数是在 `torch.no_grad()` 下被调用的。你自己的辅助函数不论叫什么名字都可以，包括带有自己的 `backward` 方法的层类。初始代码用的是示例答案的公式：它的 delta `y - z` 符号错了（平方误差的导数是 z - y），并且丢掉了平均值带来的 2 / (N*K)；它的 "dL/dInput = Gradient . Weight . Activation'" 又乘了一次 sigmoid'，尽管 Gradient 中已经包含了它。修好它们。
#
# Check your work: `prep check fix-mlp-backprop`. Stuck? `prep hint fix-mlp-backprop`.
#
# 检查你的答案：`prep check fix-mlp-backprop`。卡住了？`prep hint fix-mlp-backprop`。

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
