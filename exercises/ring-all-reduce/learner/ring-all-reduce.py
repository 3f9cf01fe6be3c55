# %% [markdown]
# # A ring all-reduce by hand: reduce-scatter then all-gather, between simulated ranks
#
# `ring-all-reduce` · code / 编写代码 · hard / 困难 · about 35 min / 约 35 分钟
#
# Write `ring_all_reduce(tensors, send) -> list[Tensor]`. `tensors[r]` is simulated rank r's 1-D tensor (all W tensors
# have the same length n and dtype); entry r of the result is rank r's copy of the elementwise sum over all ranks, of
# shape `(n,)` and that dtype. Ranks communicate only by `send(src, dst, chunk)`, which delivers the tensor `chunk` from
# rank `src` to rank `dst` and returns what `dst` receives, and only to the right-hand neighbour (`dst == (src + 1) % W`).
# What arrives need not equal `chunk` (a link may round it): use only what `send` returns. Split each tensor with
# `torch.tensor_split(t, W)` and run the ring: W - 1 reduce-scatter steps, where at step s (from 0) every rank r sends
# its chunk `(r - s) % W` and rank r + 1 adds what it receives to its own copy of that chunk, then W - 1 all-gather
# steps, where at step s every rank r sends its chunk `(r + 1 - s) % W` and rank r + 1 replaces its copy with what it
# receives. Every rank sends one chunk at every step, an empty chunk included (when n < W). So each rank sends exactly
# 2 (W - 1) chunks and all ranks together send 2 (W - 1) n elements. It works for any W >= 1 (with one rank nothing is
# sent) and any n >= 1, and the input tensors are not modified. Each result is a new tensor: it shares memory with no
# input and no other rank's result.
#
# 编写 `ring_all_reduce(tensors, send) -> list[Tensor]`。`tensors[r]` 是模拟的 rank r 的一维张量（所有 W 个张量的长度都是 n，dtype 也都相同）；结果的第 r 项是 rank r 持有的一份所有 rank 的逐元素之和，形状为 `(n,)`，dtype 与输入相同。各 rank 之间只能通过 `send(src, dst, chunk)` 通信，它把张量 `chunk` 从 rank `src` 传送到 rank `dst`，并返回 `dst` 收到的内容；而且只能发给右侧的邻居（`dst == (src + 1) % W`）。收到的内容不一定等于 `chunk`（链路可能会对它做舍入）：只使用 `send` 返回的内容。用 `torch.tensor_split(t, W)` 切分每个张量，然后运行环形算法：先进行 W - 1 步 reduce-scatter，在第 s 步（从 0 开始计），每个 rank r 发送它的第 `(r - s) % W` 块，rank r + 1 把收到的内容加到它自己的那一块副本上；然后进行 W - 1 步 all-gather，在第 s 步，每个 rank r 发送它的第 `(r + 1 - s) % W` 块，rank r + 1 用收到的内容替换它自己的那一块副本。每个 rank 在每一步都发送一块，包括空块（当 n < W 时）。因此每个 rank 恰好发送 2 (W - 1) 块，所有 rank 合计发送 2 (W - 1) n 个元素。它对任意 W >= 1（只有一个 rank 时不发送任何内容）和任意 n >= 1 都适用，并且不修改输入张量。每个结果都是一个新张量：它既不与任何输入共享内存，也不与其他 rank 的结果共享内存。
#
# Check your work: `prep check ring-all-reduce`. Stuck? `prep hint ring-all-reduce`.
#
# 检查你的答案：`prep check ring-all-reduce`。卡住了？`prep hint ring-all-reduce`。

# %%
import torch

# %% [markdown]
# Data-parallel training averages gradients with an **all-reduce**; NCCL and gloo do it with a *ring*, whose cost per
# rank does not grow with the number of ranks. Here you write one by hand, with the ranks simulated in one process
# (the graders can then count every message; `fix-data-parallel-gloo` runs real processes).
#
# `ring_all_reduce(tensors, send)`: `tensors[r]` is rank r's 1-D tensor (all of length n); return a list whose entry r
# is rank r's copy of the elementwise sum over all ranks. Ranks talk only through `send(src, dst, chunk)`, which
# delivers `chunk` from rank `src` to rank `dst` and returns what `dst` receives; only to the right-hand neighbour,
# `dst == (src + 1) % W`. Split each tensor into W chunks with `torch.tensor_split(t, W)` (chunks may be empty when
# n < W). Then:
#
# 1. **reduce-scatter**, W - 1 steps: at step s every rank r sends its chunk `(r - s) % W` to rank r + 1, which adds
#    it to its own copy of that chunk. Afterwards rank r holds the full sum of chunk `(r + 1) % W`.
# 2. **all-gather**, W - 1 steps: at step s every rank r sends its chunk `(r + 1 - s) % W` (complete by now) to rank
#    r + 1, which overwrites its copy.
#
# Each rank sends 2 (W - 1) chunks, about 2 n (W - 1) / W elements: nearly 2 n whatever W is. Do not modify the
# input tensors.

# %%
def ring_all_reduce(tensors, send):
    raise NotImplementedError("ring-all-reduce: your code here")
