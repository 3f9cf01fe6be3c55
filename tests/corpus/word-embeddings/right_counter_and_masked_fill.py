"""Correct, another way: Counter with a sort key of (-count, word), encode through a padded list per sentence,
pooling by masked_fill + sum / count, sgns_loss with softplus (log sigmoid(s) = -softplus(-s)) and bmm."""

import collections

import torch
from torch import nn
from torch.nn import functional as F


def build_vocab(sentences, min_freq=1):
    counts = collections.Counter()
    for sentence in sentences:
        counts.update(sentence)
    words = [w for w, c in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if c >= min_freq]
    return dict([("<pad>", 0), ("<unk>", 1)] + [(w, i) for i, w in enumerate(words, start=2)])


def encode(sentences, vocab, length):
    pad, unk = vocab["<pad>"], vocab["<unk>"]
    rows = []
    for sentence in sentences:
        ids = [vocab.get(word, unk) for word in sentence[:length]]
        rows.append(ids + [pad] * (length - len(ids)))
    return torch.tensor(rows, dtype=torch.int64).reshape(len(sentences), length)


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        is_pad = x.eq(self.pad_idx)
        vectors = self.embedding(x).masked_fill(is_pad.unsqueeze(-1), 0.0)
        count = (~is_pad).sum(dim=1, keepdim=True)
        pooled = vectors.sum(dim=1) / torch.where(count > 0, count, torch.ones_like(count))
        return self.fc1(pooled)


def sgns_loss(center, context, negatives):
    positive = -F.softplus(-(center * context).sum(dim=-1))
    negative = -F.softplus(torch.bmm(negatives, center.unsqueeze(-1)).squeeze(-1)).sum(dim=-1)
    return (positive + negative).mean().neg()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
