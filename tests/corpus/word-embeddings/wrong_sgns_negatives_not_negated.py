"""Scores the negatives with log sigmoid(+u_k . v_c), rewarding them like positives."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def build_vocab(sentences, min_freq=1):
    counts = {}
    for sentence in sentences:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    kept = [w for w in counts if counts[w] >= min_freq]
    kept.sort()
    kept.sort(key=lambda w: counts[w], reverse=True)  # stable: ties stay alphabetical
    vocab = {"<pad>": 0, "<unk>": 1}
    for w in kept:
        vocab[w] = len(vocab)
    return vocab


def encode(sentences, vocab, length):
    out = torch.full((len(sentences), length), vocab["<pad>"], dtype=torch.long)
    for i, sentence in enumerate(sentences):
        for j, word in enumerate(sentence[:length]):
            out[i, j] = vocab[word] if word in vocab else vocab["<unk>"]
    return out


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_classes, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc1 = nn.Linear(embedding_dim, n_classes)

    def forward(self, x):
        pooled = F.embedding_bag(x, self.embedding.weight, mode="mean", padding_idx=self.pad_idx)
        return self.fc1(pooled)


def sgns_loss(center, context, negatives):
    pos = F.logsigmoid((torch.einsum("bd,bd->b", center, context)))
    neg = F.logsigmoid((torch.einsum("bkd,bd->bk", negatives, center))).sum(dim=1)
    return -(pos + neg).mean()


def train(model, x, y, epochs, lr=0.05):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
