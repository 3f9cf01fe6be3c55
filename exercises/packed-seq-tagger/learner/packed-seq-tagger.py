# %% [markdown]
# # A sequence tagger over padded batches: per-token logits, packed sequences, a loss that ignores padding
#
# `packed-seq-tagger` · fix-bug / 修复 bug · medium / 中等 · about 35 min / 约 35 分钟
#
# The stubs are the sample answer's NER model and loop. Fix them:
#
# * `SeqTagger(vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0)` keeps the given
#   layers (`emb`, `rnn`, `fc`); `forward(tokens, lengths)` takes a padded `(B, T)` batch of token ids and the `(B,)`
#   lengths (a tensor on any device, in any order, not sorted) and returns logits `(B, T, num_tags)`, whatever the
#   positions after each length hold (`pad_idx` or anything else). Pack the batch so that no recurrence reads
#   the padding: at every real position the logits must equal those of the same sentence run alone (bidirectional
#   included). Logits at padded positions are not graded.
# * `tagging_loss(logits, tags)` (either may be a non-contiguous view): mean cross-entropy over the tokens whose tag is not -100 (the padding), a 0-d tensor;
#   padded positions get exactly zero gradient.
# * `token_accuracy(logits, tags)`: correct real tokens / real tokens, as a Python float.
# * `train_tagger(model, tokens, lengths, tags, steps, lr)`: full-batch Adam on `tagging_loss`, one step per step;
#   returns the losses as floats. The model may arrive with gradients left in its `.grad`: they must not leak into the
#   first step. A tagger must learn tags that depend on the previous token.
#
# The sample answer classifies each sentence from its last hidden state while its labels are per token, hands `(B, T, C)`
# logits to `CrossEntropyLoss`, and divides its accuracy by the batch size.
#
# 存根代码就是示例答案的 NER 模型和训练循环。修好它们：
#
# * `SeqTagger(vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0)` 保留给定的层（`emb`、`rnn`、`fc`）；`forward(tokens, lengths)` 接收一个填充后的 `(B, T)` token id 批次以及形状为 `(B,)` 的长度（一个张量，可以在任意设备上，顺序任意，未排序），返回 logits `(B, T, num_tags)`，无论每个长度之后的位置存放的是什么（`pad_idx` 或其他任何值）。对批次做打包（pack），使任何循环计算都不会读到填充部分：在每个真实位置上，logits 都必须等于把同一个句子单独运行所得的 logits（双向的情况也一样）。填充位置上的 logits 不参与评分。
# * `tagging_loss(logits, tags)`（两者都可能是非连续的视图）：对标签不为 -100（即填充）的 token 求交叉熵的平均值，返回 0 维张量；填充位置得到的梯度恰好为零。
# * `token_accuracy(logits, tags)`：预测正确的真实 token 数 / 真实 token 数，以 Python float 返回。
# * `train_tagger(model, tokens, lengths, tags, steps, lr)`：在 `tagging_loss` 上做全批次的 Adam，每个 step 更新一次；以 float 返回各步的 loss。模型带进来时 `.grad` 中可能留有梯度：它们不能泄漏到第一步中。标注器必须能学会依赖于前一个 token 的标签。
#
# 示例答案用每个句子最后的隐藏状态对整个句子做分类，而它的标签却是逐 token 的；它把 `(B, T, C)` 的 logits 直接交给 `CrossEntropyLoss`，并且把准确率除以批次大小。
#
# Check your work: `prep check packed-seq-tagger`. Stuck? `prep hint packed-seq-tagger`.
#
# 检查你的答案：`prep check packed-seq-tagger`。卡住了？`prep hint packed-seq-tagger`。

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

# %% [markdown]
# Sequence tagging needs one prediction per token. The seed's NER model reads only the
# last hidden state (one prediction per sentence), feeds (B, T, C) logits straight to
# `CrossEntropyLoss`, and divides its accuracy by the batch size. Real batches are also
# padded: pack them, so that no recurrence (in either direction) reads the padding.

# %%
class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = rnn(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        embedded = self.emb(tokens)
        outputs, (hidden, cell) = self.rnn(embedded)
        out = self.fc(hidden[-1, :, :])
        return out

# %%
def tagging_loss(logits, tags):
    loss_function = nn.CrossEntropyLoss()
    return loss_function(logits, tags)


def token_accuracy(logits, tags):
    _, predicted = torch.max(logits, 1)
    correct = (predicted == tags).sum().item()
    return correct / len(tags)


def train_tagger(model, tokens, lengths, tags, steps, lr):
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        outputs = model(tokens)
        loss = loss_function(outputs, tags)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
