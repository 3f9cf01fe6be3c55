"""Angle: state/caching: encode memoizes each sentence's row keyed by
(sentence, length) only: a second call with another vocabulary returns the first vocabulary's ids. Breaks: ids
taken "from `vocab`" of this call. Public pass (one vocabulary).
"""
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F


def build_vocab(sentences, min_freq=1):
    counts = Counter(word for sentence in sentences for word in sentence)
    vocab = {"<pad>": 0, "<unk>": 1}
    for word, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_freq and word not in vocab:
            vocab[word] = len(vocab)
    return vocab


_ROWS = {}


def encode(sentences, vocab, length):
    pad, unk = vocab["<pad>"], vocab["<unk>"]
    rows = []
    for sentence in sentences:
        key = (tuple(sentence), length)
        if key not in _ROWS:
            ids = [vocab.get(word, unk) for word in sentence[:length]]
            _ROWS[key] = ids + [pad] * (length - len(ids))
        rows.append(_ROWS[key])
    return torch.tensor(rows, dtype=torch.int64).reshape(len(sentences), length)


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        mask = (x != self.pad_idx).unsqueeze(-1).to(self.embedding.weight.dtype)
        emb = self.embedding(x) * mask
        counts = mask.sum(dim=1).clamp(min=1)
        return self.fc1(emb.sum(dim=1) / counts)


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
