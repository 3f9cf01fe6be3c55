"""Wrong: the padding id kept in the persistent buffer `pad_token` is always 0, whatever pad_idx is, so with
another pad_idx the padding is averaged in and token 0 is dropped."""

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
    counts = Counter(word for sentence in sentences for word in sentence)
    words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    return {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}


def encode(sentences, vocab, length):
    rows = [[vocab.get(w, vocab["<unk>"]) for w in s][:length] for s in sentences]
    ids = torch.tensor([r + [vocab["<pad>"]] * (length - len(r)) for r in rows], dtype=torch.long)
    return ids.reshape(len(sentences), length)  # (0, length), not (0,), for no sentences


# %%
class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)
        self.register_buffer("pad_token", torch.tensor(0, dtype=torch.int64))

    def forward(self, x):
        real = (x != self.pad_token).unsqueeze(-1).to(self.embedding.weight.dtype)  # (B, T, 1)
        summed = (self.embedding(x) * real).sum(dim=1)
        mean = summed / real.sum(dim=1).clamp(min=1)  # an all-padding sentence pools to zeros
        return self.fc1(mean)


# %%
def sgns_loss(center, context, negatives):
    positive = F.logsigmoid((center * context).sum(-1))
    negative = F.logsigmoid(-(negatives @ center.unsqueeze(-1)).squeeze(-1)).sum(-1)
    return -(positive + negative).mean()


# %%
def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
