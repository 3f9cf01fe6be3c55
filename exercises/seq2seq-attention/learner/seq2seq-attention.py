# %% [markdown]
# # A small seq2seq with attention: teacher forcing without target leakage, and greedy decoding
#
# `seq2seq-attention` · code / 编写代码 · hard / 困难 · about 40 min / 约 40 分钟
#
# `Seq2Seq(vocab_size, emb_dim, hidden_dim, bos_idx)` has its layers given (`src_emb`, `tgt_emb`, a GRU `encoder`, a
# GRUCell `decoder` whose input is a target embedding concatenated with the previous context, and `out`). Write:
#
# * `decode_step(prev, h, ctx, enc)`: one decoder step for the previous tokens `prev (B,)`, the state `h (B, H)`, the
#   context `ctx (B, H)` and the encoder outputs `enc (B, S, H)`. It computes `h = decoder(cat(tgt_emb(prev), ctx), h)`,
#   then the new `ctx` by scaled dot-product attention of that new `h` over `enc` (scores `enc[:, s] . h / sqrt(H)`,
#   softmax over s, weighted sum of `enc`), and `logits = out(cat(h, ctx))`; it returns `(logits (B, V), h, ctx)`. It treats the whole batch and every source position with tensor operations, with no Python loop over them (the graders time it on a 2000-token source, and train with it).
# * `forward(src, tgt)`: teacher-forced logits `(B, T, V)` for the target `tgt (B, T)`. It encodes `src (B, S)` once
#   and starts the decoder from the encoder's final state and a zero context; step 0 is fed `bos_idx`, step t the true
#   token `tgt[:, t - 1]`, so that step t never sees `tgt[:, t]`.
# * `greedy(src, steps)`: `(B, steps)` int64 tokens (`(B, 0)` for `steps = 0`), started as in `forward` (it encodes `src` once, then takes one decoder step per token), each step fed the previous step's argmax
#   (BOS first).
#
# With copied weights the logits must match the reference exactly (float64, 1e-9) for any batch size, any `bos_idx` and
# source and target lengths that differ. Trained with the given `train` loop on a reversal task, greedy decoding must
# reverse fresh sequences. The sample answer feeds the decoder the very target its loss is computed on, so the target leaks into
# the input.
#
# `Seq2Seq(vocab_size, emb_dim, hidden_dim, bos_idx)` 的各层已经给出：`src_emb`、`tgt_emb`、一个 GRU `encoder`、一个 GRUCell `decoder`（它的输入是目标端嵌入与上一个上下文拼接而成的向量）以及 `out`。编写：
#
# * `decode_step(prev, h, ctx, enc)`：解码器的一步，输入为上一步的 token `prev (B,)`、状态 `h (B, H)`、上下文 `ctx (B, H)` 和编码器输出 `enc (B, S, H)`。它计算 `h = decoder(cat(tgt_emb(prev), ctx), h)`，然后用这个新的 `h` 在 `enc` 上做缩放点积注意力，得到新的 `ctx`（分数为 `enc[:, s] . h / sqrt(H)`，在 s 上做 softmax，再对 `enc` 加权求和），并计算 `logits = out(cat(h, ctx))`；它返回 `(logits (B, V), h, ctx)`。它用张量运算一次处理整个批次和所有源位置，不对它们写 Python 循环（评分项会在 2000 个 token 的源序列上计时，并用它训练）。
# * `forward(src, tgt)`：对目标 `tgt (B, T)` 用 teacher forcing 得到的 logits `(B, T, V)`。它只对 `src (B, S)` 编码一次，解码器从编码器的最终状态和全零上下文开始；第 0 步输入 `bos_idx`，第 t 步输入真实 token `tgt[:, t - 1]`，这样第 t 步永远看不到 `tgt[:, t]`。
# * `greedy(src, steps)`：形状为 `(B, steps)` 的 int64 token（`steps = 0` 时为 `(B, 0)`），起始方式与 `forward` 相同（只编码 `src` 一次，然后每个 token 走一步解码），每一步输入上一步的 argmax（第一步输入 BOS）。
#
# 在权重复制自参考实现的情况下，对于任意批次大小、任意 `bos_idx`，以及长度不同的源序列和目标序列，logits 都必须与参考实现完全一致（float64，1e-9）。用给定的 `train` 循环在反转任务上训练之后，贪心解码必须能反转新的序列。示例答案把计算损失所用的那个目标序列本身喂给解码器，因此目标泄漏到了输入中。
#
# Check your work: `prep check seq2seq-attention`. Stuck? `prep hint seq2seq-attention`.
#
# 检查你的答案：`prep check seq2seq-attention`。卡住了？`prep hint seq2seq-attention`。

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# A GRU encoder reads the source; a GRUCell decoder writes the target one token at a time.
# Step t of the decoder (prev = BOS at t = 0; h starts at the encoder's final state, ctx at 0):
#
#     h   = decoder(cat(tgt_emb(prev), ctx), h)
#     ctx = sum_s softmax_s(enc[:, s] . h / sqrt(H)) * enc[:, s]      (attention over the encoder outputs)
#     logits_t = out(cat(h, ctx))
#
# Teacher forcing feeds the true previous token: prev = tgt[:, t - 1]. Step t must never see
# tgt[:, t] itself, or the model learns to copy its input. Greedy decoding feeds back its own argmax.

# %%
class Seq2Seq(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, bos_idx):
        super().__init__()
        self.bos_idx = bos_idx
        self.src_emb = nn.Embedding(vocab_size, emb_dim)
        self.tgt_emb = nn.Embedding(vocab_size, emb_dim)
        self.encoder = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.decoder = nn.GRUCell(emb_dim + hidden_dim, hidden_dim)
        self.out = nn.Linear(2 * hidden_dim, vocab_size)

    def decode_step(self, prev, h, ctx, enc):
        raise NotImplementedError("seq2seq-attention: your code here")

    def forward(self, src, tgt):
        raise NotImplementedError("seq2seq-attention: your code here")

    def greedy(self, src, steps):
        raise NotImplementedError("seq2seq-attention: your code here")

# %%
def train(model, src, tgt, steps, lr, batch_size=128):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(steps):
        j = (i * batch_size) % len(src)
        optimizer.zero_grad()
        logits = model(src[j:j + batch_size], tgt[j:j + batch_size])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[j:j + batch_size].reshape(-1))
        loss.backward()
        optimizer.step()
