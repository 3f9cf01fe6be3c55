# %% [markdown]
# # Activation checkpointing, measured: only block inputs kept for backward, same gradients, dropout included
#
# `activation-checkpointing` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write `checkpointed_forward(blocks, x) -> Tensor` for an `nn.Sequential` of blocks (one block or several): the same
# output as `blocks(x)`, computed with `torch.utils.checkpoint.checkpoint(..., use_reentrant=False)` so that the forward
# pass keeps at most one input-sized tensor per block alive for backward; the blocks' inner activations are recomputed
# during backward instead. The gradients (for `x` when it requires grad, and for every parameter, also when `x` does
# not) must equal those of `blocks(x)`, with Dropout layers inside the blocks too.
#
# Background: checkpointing trades compute for memory, since backward reruns the forward of each checkpointed block.
#
# 为由若干块组成的 `nn.Sequential`（一个块或多个块）编写 `checkpointed_forward(blocks, x) -> Tensor`：输出与 `blocks(x)` 相同，用 `torch.utils.checkpoint.checkpoint(..., use_reentrant=False)` 计算，使前向传播为反向传播保留的、与输入同样大小的张量每个块最多一个；块内部的激活值改为在反向传播时重新计算。梯度（`x` 需要梯度时对 `x` 的梯度，以及对每个参数的梯度，`x` 不需要梯度时也是如此）必须与 `blocks(x)` 的梯度相等，块内含有 Dropout 层时也是如此。
#
# 背景：checkpointing 用计算换内存，因为反向传播会重新运行每个被 checkpoint 的块的前向计算。
#
# Check your work: `prep check activation-checkpointing`. Stuck? `prep hint activation-checkpointing`.
#
# 检查你的答案：`prep check activation-checkpointing`。卡住了？`prep hint activation-checkpointing`。

# %%
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

# %% [markdown]
# The seeds say `torch.utils.checkpoint` "optimizes memory automatically". It does nothing unless you wrap code in
# it, and it is a trade: a checkpointed segment saves only its input during the forward pass, and runs its forward
# again during backward to rebuild the activations it needs. Same gradients, less saved memory, more compute.
#
# Write `checkpointed_forward(blocks, x)`: the same output as `blocks(x)` for an `nn.Sequential` of blocks (one or
# several), computed with `torch.utils.checkpoint.checkpoint(..., use_reentrant=False)` so that the forward pass keeps
# at most one input-sized tensor per block alive for backward (the graders read the worker's memory from outside).
# Gradients (for `x` when it requires grad, and for every parameter, also when `x` does not require grad) must equal
# those of `blocks(x)`, Dropout included: the recomputation must draw the same dropout mask as the first run.

# %%
def checkpointed_forward(blocks, x):
    raise NotImplementedError("activation-checkpointing: your code here")
