"""Correct, another way: pad_collate with pad_sequence and a list comprehension; last_outputs sorts the batch by
length itself, packs with enforce_sorted=True, and puts h_n back in the original order; train_epoch with
set_to_none zeroing and float()."""

import torch
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def pad_collate(samples):
    seqs, labels = zip(*samples)
    lengths = torch.tensor([s.shape[0] for s in seqs])
    return pad_sequence(list(seqs), batch_first=True), lengths, torch.stack([torch.as_tensor(y) for y in labels]).long()


def last_outputs(rnn, padded, lengths):
    lengths = lengths.to("cpu")
    order = torch.sort(lengths, descending=True, stable=True).indices
    packed = pack_padded_sequence(padded[order.to(padded.device)], lengths[order], batch_first=True)
    _, h_n = rnn(packed)
    top = h_n[-1]
    back = torch.empty_like(order)
    back[order] = torch.arange(len(order))
    return top[back.to(top.device)]


def train_epoch(model, opt, loader):
    out = []
    for padded, lengths, labels in loader:
        opt.zero_grad(set_to_none=True)
        logits, _ = model(padded, lengths, None)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        out.append(float(loss))
    return out
