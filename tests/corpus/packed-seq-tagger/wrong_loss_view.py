"""Violates "tagging_loss(logits, tags)" for any logits tensor: flattens with .view(-1, C), which raises for non-contiguous logits (e.g. a (T, B, C) tensor transposed to (B, T, C), or sliced on the tag dimension)."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = rnn(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        embedded = self.emb(tokens)
        lengths = torch.as_tensor(lengths).to("cpu", torch.int64)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)


def tagging_loss(logits, tags):
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), tags.view(-1), ignore_index=-100)


def token_accuracy(logits, tags):
    real = tags != -100
    correct = ((logits.argmax(-1) == tags) & real).sum().item()
    return correct / real.sum().item()


def train_tagger(model, tokens, lengths, tags, steps, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
