"""Normalizes every image once in __init__ into a new tensor (never in place) and serves views of it; builds the
training loader from an explicit RandomSampler sharing the loader's generator; evaluates under inference_mode with
mean losses weighted by batch size; trains with zero_grad(set_to_none=False) and detached losses."""

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, RandomSampler


class ImageDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        m = torch.as_tensor(mean, dtype=torch.float32)[:, None, None]
        s = torch.as_tensor(std, dtype=torch.float32)[:, None, None]
        self.normalized = images.sub(m).div(s)  # a new tensor: `images` is left alone
        self.targets = labels.tolist()
        self.gen = generator

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        img = self.normalized[index]
        if self.gen is not None:
            u = torch.rand(1, generator=self.gen)
            if u.item() < 0.5:
                img = torch.flip(img, dims=[2])
        return (img, self.targets[index])


def make_loader(dataset, batch_size, train, seed=0):
    if not train:
        return DataLoader(dataset, batch_size, shuffle=False, drop_last=False)
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(dataset, batch_size, sampler=RandomSampler(dataset, generator=g), generator=g)


_ce = nn.CrossEntropyLoss()


def evaluate(model, loader):
    previous = model.training
    model.train(False)
    hits, weighted, seen = 0, 0.0, 0
    try:
        with torch.inference_mode():
            for images, targets in loader:
                scores = model(images)
                b = targets.shape[0]
                weighted += float(_ce(scores, targets)) * b
                hits += (scores.argmax(1) == targets).sum().item()
                seen += b
    finally:
        model.train(previous)
    return dict(accuracy=hits / seen, loss=weighted / seen)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train(True)
    losses, sizes = [], []
    for images, targets in loader:
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(images), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(len(targets))
    weights = torch.tensor(sizes, dtype=torch.float64)
    return float((torch.stack(losses).double() * weights).sum() / weights.sum())
