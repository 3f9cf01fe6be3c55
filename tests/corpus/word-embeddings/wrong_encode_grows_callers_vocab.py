"""Breaks: "`encode(sentences, vocab, length)`: ... unknown words as `<unk>`" -- vocab is the caller's dict. Angle: J. How: unknown words are added to the caller's vocab (setdefault) mapped to the <unk> id."""

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
    ### BEGIN SOLUTION
    counts = Counter(word for sentence in sentences for word in sentence)
    words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    return {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}
    ### END SOLUTION


def encode(sentences, vocab, length):
    ### BEGIN SOLUTION
    rows = [[vocab.setdefault(w, vocab["<unk>"]) for w in s][:length] for s in sentences]
    ids = torch.tensor([r + [vocab["<pad>"]] * (length - len(r)) for r in rows], dtype=torch.long)
    return ids.reshape(len(sentences), length)  # (0, length), not (0,), for no sentences
    ### END SOLUTION


# %%
class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        ### BEGIN SOLUTION
        real = (x != self.pad_idx).unsqueeze(-1).to(self.embedding.weight.dtype)  # (B, T, 1)
        summed = (self.embedding(x) * real).sum(dim=1)
        mean = summed / real.sum(dim=1).clamp(min=1)  # an all-padding sentence pools to zeros
        return self.fc1(mean)
        ### END SOLUTION
        ### BEGIN STUB
        # x = self.embedding(x)
        # x = self.fc1(x)
        # return x
        ### END STUB


# %%
def sgns_loss(center, context, negatives):
    ### BEGIN SOLUTION
    positive = F.logsigmoid((center * context).sum(-1))
    negative = F.logsigmoid(-(negatives @ center.unsqueeze(-1)).squeeze(-1)).sum(-1)
    return -(positive + negative).mean()
    ### END SOLUTION


# %%
def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
