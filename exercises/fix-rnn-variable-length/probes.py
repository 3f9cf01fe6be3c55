"""Trusted helpers for fix-rnn-variable-length, run in the worker: a ragged data set, a DataLoader, an RNN model."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader


def samples(seed, n, features=3, max_len=7):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n):
        length = int(torch.randint(1, max_len + 1, (1,), generator=g))
        out.append((torch.randn(length, features, generator=g), torch.randint(0, 3, (), generator=g)))
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


def collated(mod, seed, n, batch_size):
    """Batches from a DataLoader that uses the learner's pad_collate."""
    loader = DataLoader(samples(seed, n), batch_size=batch_size, shuffle=False, collate_fn=mod.pad_collate)
    return [list(b) for b in loader]


def last_outputs(mod, seed, n, gru, device="cpu"):
    torch.manual_seed(seed)
    rnn = (nn.GRU if gru else nn.RNN)(3, 5, num_layers=2, batch_first=True).to(device).double()
    data = samples(seed, n)
    lengths = torch.tensor([len(s) for s, _ in data])
    padded = nn.utils.rnn.pad_sequence([s for s, _ in data], batch_first=True).to(device).double()
    padded[torch.arange(padded.shape[1]).expand(n, -1) >= lengths[:, None]] = 1e3  # garbage after the ends
    got = mod.last_outputs(rnn, padded, lengths.to(device))
    with torch.no_grad():
        want = torch.cat([rnn(s[None].to(device).double())[1][-1] for s, _ in data])
    return {"got": got.detach() if isinstance(got, torch.Tensor) else repr(got), "want": want}


def reference_train(seed, n, batch_size, epochs):
    torch.manual_seed(seed)
    model = SeqClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(samples(seed, n), batch_size=batch_size, collate_fn=_collate)
    losses = []
    for _ in range(epochs):
        for x, lengths, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(x, lengths)[0], y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses


def _collate(batch):
    seqs = [s for s, _ in batch]
    return (nn.utils.rnn.pad_sequence(seqs, batch_first=True), torch.tensor([len(s) for s in seqs]),
            torch.stack([y for _, y in batch]))


def learner_train(mod, seed, n, batch_size, epochs):
    """The learner's train_epoch, on batches from the trusted collate (so a collate bug does not count twice)."""
    torch.manual_seed(seed)
    model = SeqClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(samples(seed, n), batch_size=batch_size, collate_fn=_collate)
    losses = []
    for _ in range(epochs):
        got = mod.train_epoch(model, opt, loader)
        if not isinstance(got, list) or not all(type(v) is float for v in got):
            return repr(got)[:100]
        losses += got
    return losses
