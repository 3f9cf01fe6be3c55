"""The seed's model: one prediction per token, no pooling."""

# %% [markdown]
# # Word embeddings for sentences: a vocabulary, padding, a pooled embedding classifier, the skip-gram loss
#
# `word-embeddings` · fix-bug · medium · about 30 min
#
# The stub's `SentenceClassifier.forward` is the seed's model. Write and fix:
#
# * `build_vocab(sentences, min_freq=1)`: `sentences` is a list of lists of words. Return a dict word -> id with
#   `"<pad>": 0`, `"<unk>": 1`, then the words seen at least `min_freq` times, most frequent first, ties alphabetical.
# * `encode(sentences, vocab, length)`: an int64 tensor `(N, length)` of ids, unknown words as `<unk>`, truncated to
#   `length` and padded with `<pad>`.
# * `SentenceClassifier(vocab_size, embedding_dim, n_classes, pad_idx=0)` (layers given): `forward(x)` maps a `(B, T)`
#   batch to `(B, n_classes)` logits: the mean of the embeddings of the non-padding tokens (zeros for an all-padding
#   sentence), then `fc1`. Appending padding must change nothing; the padding row gets no gradient.
# * `sgns_loss(center, context, negatives)` with shapes `(B, D)`, `(B, D)`, `(B, K, D)`: the skip-gram
#   negative-sampling loss `-mean_b[log sigmoid(context . center) + sum_k log sigmoid(-negatives_k . center)]`.
#
# The given `train` loop must then learn sentence topics. The seed classifies every token separately, so sentence
# labels cannot even be compared with its output.
#
# Check your work: `prep check word-embeddings`. Stuck? `prep hint word-embeddings`.

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
