"""A correct solution written differently: vocabulary sorted by a (-count, word) key, encode into a preallocated
<pad> tensor, pooling by a masked einsum, the SGNS loss with softplus."""

from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F


def build_vocab(sentences, min_freq=1):
    counts = Counter(w for s in sentences for w in s)
    vocab = {"<pad>": 0, "<unk>": 1}
    for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_freq and w not in vocab:
            vocab[w] = len(vocab)
    return vocab


def encode(sentences, vocab, length):
    out = torch.full((len(sentences), length), vocab["<pad>"], dtype=torch.int64)
    unk = vocab["<unk>"]
    for i, s in enumerate(sentences):
        ids = [vocab.get(w, unk) for w in s[:length]]
        if ids:
            out[i, :len(ids)] = torch.tensor(ids, dtype=torch.int64)
    return out


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        e = self.embedding(x)
        m = (x != self.pad_idx).to(e.dtype)
        summed = torch.einsum("bt,btd->bd", m, e)
        count = m.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.fc1(summed / count)


def sgns_loss(center, context, negatives):
    pos = (context * center).sum(-1)
    neg = torch.einsum("bkd,bd->bk", negatives, center)
    return (F.softplus(-pos) + F.softplus(neg).sum(-1)).mean()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
