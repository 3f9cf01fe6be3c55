"""Violates: 'the mean of the embeddings of the tokens that are not pad_idx': the sentence length is taken as the position of the first padding token, so tokens after a pad in the middle of a sentence are ignored."""
from collections import Counter, defaultdict

import torch
from torch import nn
from torch.nn import functional as F


def build_vocab(sentences, min_freq=1):
    counts = defaultdict(int)
    for sent in sentences:
        for word in sent:
            counts[word] += 1
    vocab = {"<pad>": 0, "<unk>": 1}
    ranked = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    for w in ranked:
        vocab.setdefault(w, len(vocab))
    return vocab


def encode(sentences, vocab, length):
    out = torch.empty(len(sentences), length, dtype=torch.long).fill_(vocab["<pad>"])
    unk = vocab["<unk>"]
    for r, sent in enumerate(sentences):
        for c, word in enumerate(sent):
            if c >= length:
                break
            out[r, c] = vocab[word] if word in vocab else unk
    return out


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def pooled(self, x):
        e = self.embedding(x)
        real = (x != self.pad_idx).to(torch.int64).cumprod(dim=1).bool()[..., None]
        e = torch.where(real, e, e.new_zeros(()))
        cnt = real.sum(dim=1).to(e.dtype)
        return e.sum(dim=1) / torch.maximum(cnt, torch.ones_like(cnt))

    def forward(self, x):
        return self.fc1(self.pooled(x))


def sgns_loss(center, context, negatives):
    zero = center.new_zeros(())
    s_pos = (context * center).sum(-1)
    s_neg = torch.bmm(negatives, center[:, :, None])[..., 0]
    # log sigmoid(s) = -log(1 + e^-s) = -logaddexp(0, -s)
    ls_pos = -torch.logaddexp(zero, -s_pos)
    ls_neg = -torch.logaddexp(zero, s_neg)
    return -(ls_pos + ls_neg.sum(-1)).mean()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
