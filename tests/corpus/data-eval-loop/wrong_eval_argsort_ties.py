"""Violates: evaluate: 'prediction = argmax over dim 1': the prediction is the last column of argsort, which for tied logits (e.g. a dead ReLU head giving equal scores) picks another index than argmax (the first maximal one)."""
import functools
import torch
import torch.nn.functional as Fn
from torch.utils.data import DataLoader, Dataset


class ImageDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        self._imgs = images.clone()
        self._labels = labels.clone()
        self._mu = torch.as_tensor(mean, dtype=torch.float32)[:, None, None]
        self._sd = torch.as_tensor(std, dtype=torch.float32)[:, None, None]
        self._gen = generator

    def __len__(self):
        return self._imgs.size(0)

    def _coin(self):
        return self._gen is not None and float(torch.rand(1, generator=self._gen)) < 0.5

    def __getitem__(self, i):
        x = (self._imgs[i] - self._mu) / self._sd
        if self._coin():
            x = torch.flip(x, dims=(x.dim() - 1,))
        return x, self._labels[i].item()


def make_loader(dataset, batch_size, train, seed=0):
    kw = dict(batch_size=batch_size)
    if train:
        g = torch.Generator()
        g.manual_seed(seed)
        kw.update(shuffle=True, generator=g)
    return DataLoader(dataset, **kw)


@torch.no_grad()
def _score(model, loader):
    n = hits = 0
    nll = 0.0
    for xb, yb in loader:
        out = model(xb)
        nll += Fn.cross_entropy(out, yb, reduction="sum").item()
        hits += (out.argsort(dim=1, stable=True)[:, -1] == yb).sum().item()
        n += yb.numel()
    return hits, nll, n


def evaluate(model, loader):
    saved = {mod: mod.training for mod in model.modules()}
    model.train(False)
    try:
        hits, nll, n = _score(model, loader)
    finally:
        for mod, flag in saved.items():
            mod.training = flag
    return {"accuracy": hits / n, "loss": nll / n}


def _one_step(model, optimizer, loss_fn, xb, yb):
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.detach().item() * yb.shape[0], yb.shape[0]


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    step = functools.partial(_one_step, model, optimizer, loss_fn)
    results = [step(xb, yb) for xb, yb in loader]
    return sum(r[0] for r in results) / sum(r[1] for r in results)
