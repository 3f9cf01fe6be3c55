"""Violates: "the top layer's output at each sequence's last real step ... whatever values the padding holds": when
all lengths are equal it shortcuts to out[:, -1] of the full padded tensor, which is wrong when padded is longer
than the sequences (extra padding columns, e.g. nan, after a common length)."""

import torch
import torch.nn.functional as F
from torch.nn.utils import rnn as rnn_utils


def pad_collate(samples):
    seqs, ys = zip(*samples)
    lengths = torch.as_tensor([len(s) for s in seqs], dtype=torch.long)
    padded = torch.zeros((len(seqs), int(lengths.max()), seqs[0].shape[-1]), dtype=seqs[0].dtype, device=seqs[0].device)
    for row, s in zip(padded, seqs):
        row[: s.shape[0]].copy_(s)
    labels = torch.stack(list(ys)).long().view(-1)
    return padded, lengths, labels


def last_outputs(rnn, padded, lengths):
    if bool((lengths == lengths[0]).all()):
        out, _ = rnn(padded)
        return out[:, -1]
    packed = rnn_utils.pack_padded_sequence(padded, lengths.to("cpu"), batch_first=True, enforce_sorted=False)
    out_packed, _ = rnn(packed)
    out, _ = rnn_utils.pad_packed_sequence(out_packed, batch_first=True)
    pick = (lengths.to(out.device) - 1).view(-1, 1, 1).expand(-1, 1, out.shape[-1])
    return out.gather(1, pick).squeeze(1)


def train_epoch(model, opt, loader):
    out = []
    it = iter(loader)
    while True:
        try:
            padded, lengths, labels = next(it)
        except StopIteration:
            break
        opt.zero_grad()
        logits, _ = model(padded, lengths, None)
        loss = F.cross_entropy(input=logits, target=labels)
        loss.backward()
        opt.step()
        out.append(float(loss))
    return out
