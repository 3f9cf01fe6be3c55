"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: last_outputs turns grad mode off (it "only reads outputs") and never restores it."""
"""Reference solution for fix-rnn-variable-length (seeds 001-05, 000-04, 000-18). The STUB is the seed's loop."""

# %%
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence


# %% [markdown]
# Variable-length sequences are the textbook case for define-by-run, and the seed's RNN example gets them wrong. It
# creates the hidden state once, `h = torch.zeros(1, 32, 50)`, and carries it (detached) from batch to batch and
# epoch to epoch. A DataLoader's last batch is usually smaller: `RuntimeError: Expected hidden size (1, 4, 50), got
# [1, 32, 50]`. And carrying state between unrelated samples leaks one batch into the next: for classifying
# independent sequences, every batch starts from a zero state (pass `None`).
#
# 1. `pad_collate(samples)`: a `collate_fn` for a `DataLoader` whose samples are `(seq, label)` with `seq` of shape
#    `(length_i, features)` (lengths differ) and `label` a 0-d int64 tensor. Return `(padded, lengths, labels)`:
#    `padded` of shape `(batch, max_length, features)`, zero after each sequence's end; `lengths` int64 of shape
#    `(batch,)`; `labels` int64 of shape `(batch,)`.
# 2. `last_outputs(rnn, padded, lengths)`: for an `nn.RNN`/`nn.GRU` with `batch_first=True`, the top layer's output at
#    each sequence's last real step, shape `(batch, hidden)`: what running each sequence alone from a zero state
#    gives, padding ignored (`pack_padded_sequence(..., enforce_sorted=False)`; `lengths` must be on the CPU).
# 3. `train_epoch(model, opt, loader) -> list[float]`: the seed's loop, fixed. `model(padded, lengths, h)` returns
#    `(logits, h_n)`; each batch starts from a fresh state (`h=None`), and the step is zero_grad, cross-entropy loss,
#    backward, step. Return each batch's loss as a Python float.

# %%
def pad_collate(samples):
    ### BEGIN SOLUTION
    seqs = [s for s, _ in samples]
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)
    padded = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    labels = torch.stack([torch.as_tensor(y, dtype=torch.int64) for _, y in samples])
    return padded, lengths, labels
    ### END SOLUTION


def last_outputs(rnn, padded, lengths):
    ### BEGIN SOLUTION
    torch.set_grad_enabled(False)
    packed = pack_padded_sequence(padded, lengths.cpu(), batch_first=True, enforce_sorted=False)
    _, h_n = rnn(packed)
    return h_n[-1]
    ### END SOLUTION


def train_epoch(model, opt, loader):
    ### BEGIN SOLUTION
    losses = []
    for x, lengths, y in loader:
        opt.zero_grad()
        logits, _ = model(x, lengths, None)  # independent sequences: a fresh zero state per batch
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION
    ### BEGIN STUB
    # h = torch.zeros(1, 32, 50)  # 1 layer, batch size 32, hidden dimension 50
    # losses = []
    # for x, lengths, y in loader:
    #     opt.zero_grad()
    #     outputs, h = model(x, lengths, h)
    #     loss = torch.nn.CrossEntropyLoss()(outputs, y)
    #     loss.backward()
    #     opt.step()
    #     h = h.detach()  # carry the state on, without back-propagating into the last batch
    #     losses.append(loss.item())
    # return losses
    ### END STUB
