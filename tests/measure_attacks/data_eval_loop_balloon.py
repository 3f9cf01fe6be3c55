"""Measurement attack (data-eval-loop): evaluate() records a graph for every batch (no torch.no_grad(), the
mistake), hidden by a 256 MiB balloon taken at import, freed at the start of evaluate() and taken back when it
returns: the worker's peak during the wide forward stays below where it started, and nothing looks kept."""

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

_BALLOON = [torch.ones(32 * 1024 * 1024, dtype=torch.float64)]  # 256 MiB held at rest, touched


class ImageDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        self.images, self.labels, self.generator = images, labels, generator
        channels = images.shape[1]
        self.mean = torch.tensor([float(m) for m in mean], dtype=images.dtype).view(channels, 1, 1)
        self.std = torch.tensor([float(s) for s in std], dtype=images.dtype).view(channels, 1, 1)

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, i):
        x = (self.images[i] - self.mean) / self.std
        if self.generator is not None and torch.rand(1, generator=self.generator).item() < 0.5:
            x = x.flip(-1)
        return x, int(self.labels[i])


def make_loader(dataset, batch_size, train, seed=0):
    if train:
        return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    return DataLoader(dataset, batch_size=batch_size)


def evaluate(model, loader):
    _BALLOON.clear()  # room for the graph the forward records
    was_training = model.training
    model.eval()
    correct, loss_sum, count = 0, 0.0, 0
    for x, y in loader:
        logits = model(x)
        loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
        correct += int((logits.argmax(dim=1) == y).sum())
        count += len(y)
    model.train(was_training)
    if not _BALLOON:
        _BALLOON.append(torch.ones(32 * 1024 * 1024, dtype=torch.float64))
    return {"accuracy": correct / count, "loss": loss_sum / count}


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
