"""Correct, another way: trims every sentence to its length, packs the list with pack_sequence(enforce_sorted=False),
pads back with pad_packed_sequence; the loss via nn.CrossEntropyLoss on flattened tensors, the accuracy with
torch.masked_select; an optimizer built through a helper."""

import torch
from torch import nn
from torch.nn.utils import rnn as rnn_utils


class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = rnn(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        sizes = [int(n) for n in lengths.tolist()]
        embedded = self.emb(tokens)
        packed = rnn_utils.pack_sequence([embedded[i, :n] for i, n in enumerate(sizes)], enforce_sorted=False)
        states, _ = self.rnn(packed)
        states, _ = rnn_utils.pad_packed_sequence(states, batch_first=True, total_length=tokens.size(1))
        return self.fc(states)


_CE = nn.CrossEntropyLoss(ignore_index=-100)


def tagging_loss(logits, tags):
    return _CE(logits.flatten(0, -2), tags.flatten())


def token_accuracy(logits, tags):
    keep = tags.ne(-100)
    right = torch.masked_select(logits.argmax(-1).eq(tags), keep)
    return right.double().mean().item()


def _adam(model, lr):
    return torch.optim.Adam(model.parameters(), lr=lr)


def train_tagger(model, tokens, lengths, tags, steps, lr):
    optimizer, out = _adam(model, lr), []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        optimizer.step()
        out.append(float(loss))
    return out
