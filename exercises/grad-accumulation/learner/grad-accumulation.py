# %% [markdown]
# # Gradient accumulation on purpose: micro-batches that add up to the full batch, and zero_grad at the right time
#
# `grad-accumulation` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write two functions that use the fact that `.grad` accumulates.
#
# `accumulated_grads(model, x, y, micro_batch_size) -> dict[str, Tensor]` computes the gradient of
# `F.mse_loss(model(x), y)` over the whole batch, but runs `model` on one micro-batch of at most `micro_batch_size`
# samples at a time (such as the chunks of `x.split(micro_batch_size)`, the last one possibly shorter), one backward per
# micro-batch, so that only one micro-batch's activations are alive at any time. The result, keyed by
# `named_parameters()` names, must equal the full-batch gradient to 1e-10 in float64, and afterwards each parameter's `.grad` holds it; gradients left in `.grad`
# from before must not count.
#
# `train_accumulated(model, optimizer, batches, accum_steps) -> int` trains on a list of `(x, y)` micro-batches,
# taking one `optimizer.step()` per `accum_steps` consecutive micro-batches (a last, shorter group steps too), each
# step's gradient being that of the MSE loss over all the samples of its group, as if they formed one batch, while the
# model still runs on one micro-batch at a time (one backward each). Gradients left in `.grad` before training must not
# count. It returns the number of steps, an int. The parameters must end exactly where training on the concatenated
# groups would put them, for SGD with and without momentum (the graders pass an optimizer with `torch.optim.SGD`'s
# update; use only its `zero_grad()` and `step()`).
#
# The sample answers' answers never mention that `.grad` accumulates; forgetting `zero_grad()` adds the gradients of
# successive iterations together.
#
# 编写两个利用 `.grad` 会累积这一事实的函数。
#
# `accumulated_grads(model, x, y, micro_batch_size) -> dict[str, Tensor]` 计算 `F.mse_loss(model(x), y)` 在整个批次上的梯度，但每次只在一个最多含 `micro_batch_size` 个样本的微批次上运行 `model`（例如 `x.split(micro_batch_size)` 的各块，最后一块可能较短），每个微批次做一次反向传播，使任何时候都只有一个微批次的激活值存活。结果以 `named_parameters()` 的名字为键，在 float64 下必须与全批次梯度一致到 1e-10，并且之后每个参数的 `.grad` 中存放的就是它；之前遗留在 `.grad` 中的梯度不能计入。
#
# `train_accumulated(model, optimizer, batches, accum_steps) -> int` 在由 `(x, y)` 微批次组成的列表上训练，每 `accum_steps` 个连续的微批次执行一次 `optimizer.step()`（最后一组较短时也执行一步），每一步的梯度是该组全部样本上 MSE 损失的梯度，就好像它们组成了一个批次一样，而模型仍然每次只在一个微批次上运行（每个微批次一次反向传播）。训练之前遗留在 `.grad` 中的梯度不能计入。它返回步数，为 int。对于带动量和不带动量的 SGD，参数最终都必须恰好落在把各组拼接起来训练时会到达的位置（评分项传入的优化器采用 `torch.optim.SGD` 的更新规则；只能使用它的 `zero_grad()` 和 `step()`）。
#
# 示例答案从未提到 `.grad` 会累积；忘记 `zero_grad()` 会把相继各次迭代的梯度加在一起。
#
# Check your work: `prep check grad-accumulation`. Stuck? `prep hint grad-accumulation`.
#
# 检查你的答案：`prep check grad-accumulation`。卡住了？`prep hint grad-accumulation`。

# %%
import torch
import torch.nn.functional as F

# %% [markdown]
# `.grad` **accumulates**: every backward adds into it, and nothing clears it but you
# (`optimizer.zero_grad()` / `model.zero_grad()`). Forgetting that is a classic bug, and using
# it on purpose is *gradient accumulation*: run a large batch as several micro-batches, one
# backward each, then take one optimizer step, to fit a batch that does not fit in memory.
#
# For the accumulated gradient to equal the full batch's, weight each micro-batch's mean loss
# by its share of the samples, `len(chunk) / N`; dividing by the number of micro-batches is
# only right when all chunks have the same size.

# %%
def accumulated_grads(model, x, y, micro_batch_size):
    """The gradient of F.mse_loss(model(x), y) over the whole batch, computed one micro-batch of at most
    micro_batch_size samples at a time (x.split(micro_batch_size)). Returns {name: gradient}; afterwards each
    parameter's .grad holds that gradient. Gradients left from before do not count."""
    raise NotImplementedError("grad-accumulation: your code here")


def train_accumulated(model, optimizer, batches, accum_steps):
    """Train on a list of (x, y) micro-batches, one optimizer step per accum_steps consecutive micro-batches
    (a last, shorter group steps too). Each step's gradient is that of the MSE loss over all the samples of its
    group, as if they were one batch. Returns the number of optimizer steps taken."""
    raise NotImplementedError("grad-accumulation: your code here")
