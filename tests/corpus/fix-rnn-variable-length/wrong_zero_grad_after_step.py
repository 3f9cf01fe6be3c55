"""Violates "for each `(padded, lengths, labels)` batch: zero the gradients, ..., backward, step": zeroes after the step, so the first batch steps with whatever gradients the parameters already held."""
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def pad_collate(samples):
    seqs = [s for s, _ in samples]
    padded = pad_sequence(seqs, batch_first=True, padding_value=0.0)
    lengths = torch.tensor([s.shape[0] for s in seqs], dtype=torch.int64)
    labels = torch.stack([torch.as_tensor(y) for _, y in samples]).to(torch.int64).reshape(-1)
    return padded, lengths, labels


def last_outputs(rnn, padded, lengths):
    packed = pack_padded_sequence(padded, lengths.cpu(), batch_first=True, enforce_sorted=False)
    _, h_n = rnn(packed)
    return h_n[-1]


def train_epoch(model, opt, loader):
    losses = []
    for x, lengths, y in loader:
        logits, _ = model(x, lengths, None)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    return losses
