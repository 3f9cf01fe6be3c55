"""train_tagger zeroes the gradients after each step instead of before each backward: gradients the model arrives with
leak into the first step ("The model may arrive with gradients left in its `.grad`: they must not leak into the first
step")."""

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
        lengths = torch.as_tensor(lengths).cpu()
        order = torch.argsort(lengths, descending=True)
        packed = pack_padded_sequence(self.emb(tokens[order.to(tokens.device)]), lengths[order], batch_first=True)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        undo = torch.argsort(order).to(tokens.device)
        return self.fc(out[undo])


def tagging_loss(logits, tags):
    keep = tags != -100
    nll = -F.log_softmax(logits, dim=-1).gather(-1, tags.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (nll * keep).sum() / keep.sum()


def token_accuracy(logits, tags):
    keep = tags != -100
    hits = (logits.argmax(dim=-1) == tags) & keep
    return float(hits.sum()) / float(keep.sum())


def train_tagger(model, tokens, lengths, tags, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(steps):
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        opt.step()
        opt.zero_grad()  # after the step: whatever .grad held when train_tagger was called leaks into the first step
        history.append(loss.item())
    return history
