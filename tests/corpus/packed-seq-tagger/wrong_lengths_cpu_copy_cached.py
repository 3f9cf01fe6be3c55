"""State across calls: the CPU copy of lengths is made on the first forward and reused ("avoid a device sync").
Breaks "forward(tokens, lengths) takes ... the (B,) lengths": a later batch with other lengths (same B) is packed with
the first batch's lengths.
"""
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
        if getattr(self, "_len", None) is None or self._len.shape != lengths.shape:
            self._len = lengths.cpu()
        packed = pack_padded_sequence(embedded, self._len, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)


def tagging_loss(logits, tags):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=-100)


def token_accuracy(logits, tags):
    mask = tags != -100
    correct = ((logits.argmax(-1) == tags) & mask).sum().item()
    return correct / mask.sum().item()


def train_tagger(model, tokens, lengths, tags, steps, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
