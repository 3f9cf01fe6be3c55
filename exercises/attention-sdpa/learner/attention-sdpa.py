# %% [markdown]
# # Scaled dot-product attention from scratch: masks, causality, all-masked rows, stability, permutations
#
# `attention-sdpa` · code · medium · about 30 min
#
# Write, from tensor operations:
#
# * `attention_weights(q, k, attn_mask=None, is_causal=False, scale=None)`: the `(..., L, S)` attention weights for
#   queries `q (..., L, E)` and keys `k (..., S, E)`;
# * `scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None)`: the weights applied to
#   `v (..., S, Ev)`, giving `(..., L, Ev)`.
#
# They must match `torch.nn.functional.scaled_dot_product_attention` (float64: 1e-11) for any batch dimensions:
# `scale` defaults to `1 / sqrt(E)`; a boolean `attn_mask` keeps its True positions, a float one is added to the
# scores, both broadcast to `(..., L, S)`; `is_causal=True` lets query i see keys j <= i (`tril` of an L x S matrix).
# A query with no allowed key gets all-zero weights and a zero output, as torch 2.13 returns (not nan). Scores in the
# thousands must not overflow, and gradients must pass gradcheck.
#
# `F.scaled_dot_product_attention` and `nn.MultiheadAttention` are off limits. The seed's attention never forms a
# context vector: its weights only rescale the decoder's outputs.
#
# Check your work: `prep check attention-sdpa`. Stuck? `prep hint attention-sdpa`.

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
