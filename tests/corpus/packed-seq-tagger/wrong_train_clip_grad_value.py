"""Violates "train_tagger(...): full-batch Adam on tagging_loss, one step per step": each gradient entry is clipped
to [-0.5, 0.5] before the step, so wherever a gradient entry is larger the Adam trajectory (and the losses) differ."""
import torch
from torch import nn
import torch.nn.functional as Fn
from torch.nn.utils import rnn as rnn_utils


class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        kind = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = kind(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        B, T = tokens.shape
        lens = torch.as_tensor(lengths).to("cpu", torch.int64)
        real = torch.arange(T, device=tokens.device)[None, :] < lens.to(tokens.device)[:, None]
        safe = tokens.masked_fill(~real, self.pad_idx)
        packed = rnn_utils.pack_padded_sequence(self.emb(safe), lens, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = rnn_utils.pad_packed_sequence(out, batch_first=True, total_length=T)
        return self.fc(out)


def tagging_loss(logits, tags):
    C = logits.shape[-1]
    return Fn.cross_entropy(logits.reshape(-1, C), tags.reshape(-1), ignore_index=-100)


def token_accuracy(logits, tags):
    keep = tags.ne(-100)
    hits = logits.argmax(dim=-1).eq(tags) & keep
    return float(hits.sum().item()) / float(keep.sum().item())


def train_tagger(model, tokens, lengths, tags, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)
        opt.step()
        out.append(float(loss.detach()))
    return out
