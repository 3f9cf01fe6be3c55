"""State across calls: token_accuracy caches the real-token mask by the tags' shape. First call right; a second
batch with the same shape but other padding uses the first mask. Breaks "correct real tokens / real tokens".
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

_MASKS = {}

class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = rnn(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        embedded = self.emb(tokens)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)


def tagging_loss(logits, tags):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=-100)


def token_accuracy(logits, tags):
    key = tuple(tags.shape)
    if key not in _MASKS:
        _MASKS[key] = tags != -100
    mask = _MASKS[key].to(tags.device)
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
