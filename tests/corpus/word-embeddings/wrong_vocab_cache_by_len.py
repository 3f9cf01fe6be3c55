"""State across calls: build_vocab memoises by (len(sentences), min_freq), so a second corpus
of the same size gets the first corpus's vocabulary. First call right.
"""
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F


_VOCABS = {}


def build_vocab(sentences, min_freq=1):
    key = (len(sentences), min_freq)
    if key in _VOCABS:
        return dict(_VOCABS[key])
    counts = Counter(w for s in sentences for w in s)
    vocab = {"<pad>": 0, "<unk>": 1}
    for word, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_freq and word not in vocab:
            vocab[word] = len(vocab)
    _VOCABS[key] = dict(vocab)
    return vocab


def encode(sentences, vocab, length):
    pad, unk = vocab["<pad>"], vocab["<unk>"]
    out = torch.full((len(sentences), length), pad, dtype=torch.int64)
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
        mask = (x != self.pad_idx).unsqueeze(-1).to(e.dtype)
        total = (e * mask).sum(dim=1)
        count = mask.sum(dim=1).clamp(min=1)
        return self.fc1(total / count)


def sgns_loss(center, context, negatives):
    pos = F.logsigmoid((context * center).sum(-1))
    neg = F.logsigmoid(-torch.einsum("bkd,bd->bk", negatives, center)).sum(-1)
    return -(pos + neg).mean()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
