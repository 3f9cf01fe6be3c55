"""Normalizes channel by channel with a loop and torch.stack, takes the label with .item(), clears gradients with
model.zero_grad(), evaluates under torch.set_grad_enabled(False) used as a context manager, and counts with plain
Python numbers; the loaders pass every argument explicitly."""

import torch
import torch.nn.functional as F
from torch.utils import data


class ImageDataset(data.Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        self.images = images
        self.labels = labels
        self.stats = list(zip(mean, std))
        self.generator = generator

    def __len__(self):
        return int(self.labels.numel())

    def _normalize(self, img):
        return torch.stack([(img[c] - m) / s for c, (m, s) in enumerate(self.stats)])

    def _maybe_flip(self, img):
        if self.generator is None:
            return img
        draw = float(torch.rand(1, generator=self.generator)[0])
        return img.flip(img.dim() - 1) if draw < 0.5 else img

    def __getitem__(self, i):
        return self._maybe_flip(self._normalize(self.images[i])), self.labels[i].item()


def make_loader(dataset, batch_size, train, seed=0):
    generator = torch.Generator().manual_seed(seed) if train else None
    return data.DataLoader(dataset, batch_size=batch_size, shuffle=bool(train), drop_last=False, generator=generator)


def evaluate(model, loader):
    mode = model.training
    model.eval()
    n_right = n_seen = 0
    loss_total = 0.0
    with torch.set_grad_enabled(False):
        for inputs, targets in loader:
            logits = model(inputs)
            _, predicted = torch.max(logits, 1)
            n_right += int(predicted.eq(targets).sum())
            n_seen += targets.size(0)
            loss_total += F.cross_entropy(logits, targets, reduction="none").sum().item()
    model.train(mode)
    return {"loss": loss_total / n_seen, "accuracy": n_right / n_seen}


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    loss_total, n_seen = 0.0, 0
    for inputs, targets in loader:
        model.zero_grad()
        out = model(inputs)
        loss = loss_fn(out, targets)
        loss.backward()
        optimizer.step()
        n_seen += targets.size(0)
        loss_total += targets.size(0) * loss.item()
    return loss_total / n_seen
