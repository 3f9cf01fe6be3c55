# %% [markdown]
# # Scaled dot-product attention from scratch: masks, causality, all-masked rows, stability, permutations
#
# `attention-sdpa` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write, from tensor operations:
#
# * `attention_weights(q, k, attn_mask=None, is_causal=False, scale=None)`: the `(..., L, S)` attention weights for
#   queries `q (..., L, E)` and keys `k (..., S, E)`;
# * `scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None)`: the weights applied to
#   `v (..., S, Ev)`, giving `(..., L, Ev)`.
#
# They must match `torch.nn.functional.scaled_dot_product_attention` (float64: 1e-11) for any batch dimensions shared by
# `q`, `k` and `v`, in float32 and float64. `scale` defaults to `1 / sqrt(E)`; any value given replaces it, `0.0`
# included. A boolean `attn_mask` keeps its True positions, a float one is added to the scores, and either broadcasts to
# the scores' shape `(..., L, S)`; a mask that does not (one with more batch dimensions than `q`, say) raises
# `RuntimeError`, as torch does. `is_causal=True` lets query i see keys j <= i (`tril` of an L x S matrix); passing it
# together with an `attn_mask` raises `RuntimeError`, as torch does. A query with no allowed key (every key masked, or none at all: S = 0) gets all-zero weights
# and a zero output, as torch 2.13 returns (not nan), and its gradients are torch's too: finite, since that output is
# constant (it still requires grad whenever q, k or v does, with zero gradients). Scores in the thousands must not overflow, in float32 as in float64, and gradients must pass gradcheck.
#
# `F.scaled_dot_product_attention`, `nn.MultiheadAttention`, torch's other attention kernels and its masked softmaxes
# (`torch._safe_softmax`, `torch._masked_softmax`) are switched off; `torch.softmax` is allowed. The sample answer's attention never
# forms a context vector: its weights only rescale the decoder's outputs.
#
# 用张量运算编写：
#
# * `attention_weights(q, k, attn_mask=None, is_causal=False, scale=None)`：对查询 `q (..., L, E)` 和键 `k (..., S, E)` 给出形状为 `(..., L, S)` 的注意力权重；
# * `scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None)`：把这些权重作用于 `v (..., S, Ev)`，得到 `(..., L, Ev)`。
#
# 对于 `q`、`k` 和 `v` 共有的任意批次维度，在 float32 和 float64 下，它们都必须与 `torch.nn.functional.scaled_dot_product_attention` 一致（float64：1e-11）。`scale` 默认为 `1 / sqrt(E)`；给出的任何值都会替代它，包括 `0.0`。布尔型 `attn_mask` 保留其为 True 的位置，浮点型 `attn_mask` 加到分数上，两者都广播到分数的形状 `(..., L, S)`；不能广播的掩码（比如批次维度比 `q` 多的掩码）抛出 `RuntimeError`，与 torch 一样。`is_causal=True` 让查询 i 能看到满足 j <= i 的键 j（L x S 矩阵的 `tril`）；把它与 `attn_mask` 一起传入会抛出 `RuntimeError`，与 torch 一样。没有任何可见键的查询（所有键都被屏蔽，或者根本没有键：S = 0）得到全零的权重和零输出，与 torch 2.13 的返回值相同（而不是 nan），它的梯度也与 torch 的相同：是有限值，因为这个输出是常数（只要 q、k 或 v 需要梯度，它仍然需要梯度，梯度为零）。数千量级的分数不能溢出，在 float32 和 float64 下都是如此，并且梯度必须通过 gradcheck。
#
# `F.scaled_dot_product_attention`、`nn.MultiheadAttention`、torch 的其他注意力内核以及它的掩码 softmax（`torch._safe_softmax`、`torch._masked_softmax`）都已被禁用；可以使用 `torch.softmax`。示例答案的注意力从未构成上下文向量：它的权重只是对解码器的输出重新缩放。
#
# Check your work: `prep check attention-sdpa`. Stuck? `prep hint attention-sdpa`.
#
# 检查你的答案：`prep check attention-sdpa`。卡住了？`prep hint attention-sdpa`。

# %%
import math

import torch

# %% [markdown]
# Attention scores every query against every key, turns each row of scores into weights
# with a softmax, and returns the weighted sum of the values:
# `softmax(q @ k^T * scale + mask) @ v`, with `scale = 1 / sqrt(E)` by default. A boolean
# mask keeps the True positions; a float mask is added to the scores; `is_causal` keeps
# key j for query i only if j <= i. A row whose keys are all masked gets weights of zero.

# %%
def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    raise NotImplementedError("attention-sdpa: your code here")


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    raise NotImplementedError("attention-sdpa: your code here")
