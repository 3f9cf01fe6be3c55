# %% [markdown]
# # Word embeddings for sentences: a vocabulary, padding, a pooled embedding classifier, the skip-gram loss
#
# `word-embeddings` · fix-bug / 修复 bug · medium / 中等 · about 30 min / 约 30 分钟
#
# The stub's `SentenceClassifier.forward` is the sample answer's model. Write and fix:
#
# * `build_vocab(sentences, min_freq=1)`: `sentences` is a list of lists of words. Return a dict word -> id with
#   `"<pad>": 0`, `"<unk>": 1`, then the words seen at least `min_freq` times, most frequent first, ties alphabetical.
# * `encode(sentences, vocab, length)`: an int64 tensor `(N, length)` of ids, unknown words as `<unk>`, truncated to
#   `length` and padded with `<pad>`, taking both ids from `vocab` (any vocabulary holding them, not only one from
#   `build_vocab`).
# * `SentenceClassifier(vocab_size, embedding_dim, n_classes, pad_idx=0)` (layers given): `forward(x)` maps a `(B, T)`
#   batch to `(B, n_classes)` logits in the weights' dtype: the mean of the embeddings of the tokens that are not
#   `pad_idx` (whatever its value; zeros for an all-padding sentence), then `fc1`. Appending padding must change nothing;
#   the padding row gets no gradient.
# * `sgns_loss(center, context, negatives)` with shapes `(B, D)`, `(B, D)`, `(B, K, D)`: the skip-gram
#   negative-sampling loss `-mean_b[log sigmoid(context . center) + sum_k log sigmoid(-negatives_k . center)]`, a 0-d
#   tensor, finite and right even when dot products reach the hundreds (float32 included).
#
# The given `train` loop must then learn sentence topics. The sample answer classifies every token separately, so sentence
# labels cannot even be compared with its output.
#
# 存根中的 `SentenceClassifier.forward` 就是示例答案的模型。编写并修正：
#
# * `build_vocab(sentences, min_freq=1)`：`sentences` 是由单词列表组成的列表。返回一个从单词到 id 的字典，其中 `"<pad>": 0`、`"<unk>": 1`，然后是出现至少 `min_freq` 次的单词，频率高的在前，频率相同时按字母顺序。
# * `encode(sentences, vocab, length)`：形状为 `(N, length)` 的 int64 id 张量，未知单词记为 `<unk>`，截断到 `length` 并用 `<pad>` 填充，这两个 id 都从 `vocab` 中取（任何包含它们的词表都可以，不限于 `build_vocab` 构建的词表）。
# * `SentenceClassifier(vocab_size, embedding_dim, n_classes, pad_idx=0)`（各层已给出）：`forward(x)` 把 `(B, T)` 的批次映射为 `(B, n_classes)` 的 logits，dtype 与权重相同：先对不等于 `pad_idx` 的 token 的嵌入求平均（无论 `pad_idx` 取什么值；全部为填充的句子得到零向量），然后经过 `fc1`。追加填充不得改变任何结果；填充行得不到梯度。
# * `sgns_loss(center, context, negatives)`，形状分别为 `(B, D)`、`(B, D)`、`(B, K, D)`：skip-gram 负采样损失 `-mean_b[log sigmoid(context . center) + sum_k log sigmoid(-negatives_k . center)]`，返回 0 维张量，即使点积达到数百（包括 float32 下）也保持有限且正确。
#
# 然后给定的 `train` 循环必须能学会句子的主题。示例答案对每个 token 单独分类，所以句子标签甚至无法与它的输出进行比较。
#
# Check your work: `prep check word-embeddings`. Stuck? `prep hint word-embeddings`.
#
# 检查你的答案：`prep check word-embeddings`。卡住了？`prep hint word-embeddings`。

# %%
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# A word embedding is a trainable lookup table: row i of `nn.Embedding.weight` is the dense
# vector of word i. The seed's model embeds every token and classifies each token on its
# own, so a (B, T) sentence batch gives (B, T, 10) logits that cannot meet (B,) sentence
# labels. Pool the real (non-padding) tokens into one vector per sentence first.

# %%
def build_vocab(sentences, min_freq=1):
    raise NotImplementedError("word-embeddings: your code here")


def encode(sentences, vocab, length):
    raise NotImplementedError("word-embeddings: your code here")

# %%
class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        x = self.embedding(x)
        x = self.fc1(x)
        return x

# %%
def sgns_loss(center, context, negatives):
    raise NotImplementedError("word-embeddings: your code here")

# %%
def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
