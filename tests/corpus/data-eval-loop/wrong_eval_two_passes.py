"""'loader is any iterable of (x, y) batches': evaluate counts the samples in a first pass and computes in a second, so a one-shot iterator (generator) is exhausted by the count and the metrics see nothing."""
import torch
from torch.nn import functional as Fn
from torch.utils import data as tud


class ImageDataset(tud.Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        m = torch.as_tensor(mean, dtype=torch.float32).reshape(-1, 1, 1)
        s = torch.as_tensor(std, dtype=torch.float32).reshape(-1, 1, 1)
        self._x = (images - m) / s
        self._y = labels.clone()
        self._g = generator

    def __len__(self):
        return int(self._x.shape[0])

    def __getitem__(self, idx):
        img = self._x[idx].clone()
        if self._g is not None:
            u = torch.rand(1, generator=self._g)
            if u.item() < 0.5:
                img = torch.flip(img, dims=(-1,))
        return img, int(self._y[idx])


def make_loader(dataset, batch_size, train, seed=0):
    if train:
        gen = torch.Generator()
        gen.manual_seed(seed)
        return tud.DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=gen)
    return tud.DataLoader(dataset, batch_size=batch_size)


class _Tally:
    def __init__(self):
        self.n = 0
        self.loss = 0.0
        self.hits = 0

    def add(self, logits, y):
        b = y.shape[0]
        self.n += b
        self.loss += Fn.cross_entropy(logits, y, reduction="sum").item()
        self.hits += int((logits.argmax(dim=1) == y).sum())


def evaluate(model, loader):
    modes = [(m, m.training) for m in model.modules()]
    tally = _Tally()
    expected = sum(yb.shape[0] for _, yb in loader)
    model.eval()
    try:
        with torch.no_grad():
            for xb, yb in loader:
                tally.add(model(xb), yb)
    finally:
        for m, t in modes:
            m.training = t
    return {"accuracy": tally.hits / expected, "loss": tally.loss / expected}


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        count += len(yb)
    return total / count
