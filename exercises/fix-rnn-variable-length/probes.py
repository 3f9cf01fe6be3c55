"""Trusted helpers for fix-rnn-variable-length: a ragged data set, a DataLoader, an RNN model.

The probes (functions taking the learner's module first) run in the worker and only drive the learner's code:
they build data and models from the judge's arguments, call pad_collate / last_outputs / train_epoch, and return
what came back. The judge imports this file too (``load_sibling``) to build the same data and to replay training
with ``reference_train``; every reference is computed there.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader


def samples(seed, n, features=3, max_len=7, lengths=None, dtype=torch.float32, zero_rows=False):
    """n samples (seq (length_i, features), label 0-d int64); `lengths` fixes the lengths (else random). With
    zero_rows, every sequence holds an all-zero feature row (a real step, not padding): the last row of the even
    samples, the first row of the odd ones."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(n):
        length = int(torch.randint(1, max_len + 1, (1,), generator=g)) if lengths is None else int(lengths[i])
        seq = torch.randn(length, features, generator=g, dtype=torch.float64).to(dtype)
        if zero_rows:
            seq[-1 if i % 2 == 0 else 0] = 0
        out.append((seq, torch.randint(0, 3, (), generator=g)))
    return out


class SeqClassifier(nn.Module):
    def __init__(self, features=3, hidden=8, classes=3):
        super().__init__()
        self.rnn = nn.RNN(features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x, lengths, h=None):
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed, h)
        return self.fc(h_n[-1]), h_n


def collated(mod, seed, n, batch_size, lengths=None, dtype=torch.float32, zero_rows=False):
    """Batches from a DataLoader that uses the learner's pad_collate."""
    loader = DataLoader(samples(seed, n, lengths=lengths, dtype=dtype, zero_rows=zero_rows), batch_size=batch_size,
                        shuffle=False, collate_fn=mod.pad_collate)
    return [list(b) if isinstance(b, (tuple, list)) else b for b in loader]


def last_outputs(mod, gru, weights, padded, lengths):
    """The learner's last_outputs for an nn.RNN / nn.GRU holding the judge's weights."""
    layers = sum(1 for k in weights if k.startswith("weight_ih_l"))
    hidden, features = weights["weight_hh_l0"].shape[1], weights["weight_ih_l0"].shape[1]
    rnn = (nn.GRU if gru else nn.RNN)(features, hidden, num_layers=layers, batch_first=True)
    rnn = rnn.to(padded.device, padded.dtype)
    rnn.load_state_dict(weights)
    # called as a caller would, with grad mode on (a no_grad block here would hide a last_outputs that switches grad
    # mode off and leaves it off: the watch compares torch's settings before and after this probe)
    got = mod.last_outputs(rnn, padded, lengths)
    return got.detach() if isinstance(got, torch.Tensor) else got


def last_outputs_grads(mod, gru, weights, padded, lengths, g):
    """The gradients of (last_outputs(...) * g).sum() for the rnn's parameters, by name (None for one the output does
    not reach); the string "no graph" when the learner's output is not a tensor in autograd's graph."""
    layers = sum(1 for k in weights if k.startswith("weight_ih_l"))
    hidden, features = weights["weight_hh_l0"].shape[1], weights["weight_ih_l0"].shape[1]
    rnn = (nn.GRU if gru else nn.RNN)(features, hidden, num_layers=layers, batch_first=True)
    rnn = rnn.to(padded.device, padded.dtype)
    rnn.load_state_dict(weights)
    got = mod.last_outputs(rnn, padded, lengths)
    if not isinstance(got, torch.Tensor) or got.grad_fn is None or got.shape != g.shape:
        return "no graph"
    names, params = zip(*rnn.named_parameters())
    grads = torch.autograd.grad((got * g).sum(), params, allow_unused=True)
    return {name: (None if gr is None else gr.detach()) for name, gr in zip(names, grads)}


def _collate(batch):
    seqs = [s for s, _ in batch]
    return (nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor([len(s) for s in seqs]),
            torch.stack([y for _, y in batch]))


def _setup(seed, n, batch_size, lengths, stale=False, shuffle=False):
    """The model, its Adam and the loader; with stale, every parameter already holds a .grad of 1000 (left over from
    earlier work), which train_epoch must clear before its first step; with shuffle, the loader draws a new order from
    the global RNG (seeded here) each time it is iterated."""
    torch.manual_seed(seed)
    model = SeqClassifier()
    if stale:
        for p in model.parameters():
            p.grad = torch.full_like(p, 1000.0)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(samples(seed, n, lengths=lengths), batch_size=batch_size, shuffle=shuffle, collate_fn=_collate)
    return model, opt, loader


def reference_train(seed, n, batch_size, epochs, lengths=None, stale=False, shuffle=False):
    """Judge side: fresh-state training; the losses of every epoch and the parameters afterwards."""
    model, opt, loader = _setup(seed, n, batch_size, lengths, stale, shuffle)
    losses = []
    for _ in range(epochs):
        epoch = []
        for x, lens, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(x, lens)[0], y)
            loss.backward()
            opt.step()
            epoch.append(loss.item())
        losses.append(epoch)
    return {"losses": losses, "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def learner_train(mod, seed, n, batch_size, epochs, lengths=None, stale=False, shuffle=False):
    """The learner's train_epoch, on batches from the trusted collate (so a collate bug does not count twice)."""
    model, opt, loader = _setup(seed, n, batch_size, lengths, stale, shuffle)
    losses = [mod.train_epoch(model, opt, loader) for _ in range(epochs)]
    return {"losses": losses, "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
