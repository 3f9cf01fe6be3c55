"""torchvision-style transform objects written with tensors: a Compose of a Normalize and a RandomHorizontalFlip that
draws from the dataset's generator; the loaders come from a keyword table; evaluate and train_one_epoch are methods
of a small helper class exposed as module functions."""

import torch
from torch.utils.data import DataLoader as Loader
from torch.utils.data import Dataset


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).reshape(-1, 1, 1)
        self.std = torch.tensor(std).reshape(-1, 1, 1)

    def __call__(self, img):
        return (img - self.mean) / self.std


class RandomHorizontalFlip:
    def __init__(self, generator, p=0.5):
        self.generator, self.p = generator, p

    def __call__(self, img):
        return torch.flip(img, (-1,)) if torch.rand(1, generator=self.generator)[0] < self.p else img


class Compose:
    def __init__(self, steps):
        self.steps = [s for s in steps if s is not None]

    def __call__(self, img):
        for step in self.steps:
            img = step(img)
        return img


class ImageDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        self.images, self.labels = images, labels
        self.transform = Compose([Normalize(mean, std), RandomHorizontalFlip(generator) if generator else None])

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), int(self.labels[i].item())


def make_loader(dataset, batch_size, train, seed=0):
    options = {"batch_size": batch_size, "drop_last": False}
    if train:
        options.update(shuffle=True, generator=torch.Generator().manual_seed(seed))
    return Loader(dataset, **options)


class _Loop:
    criterion = torch.nn.CrossEntropyLoss(reduction="sum")

    @staticmethod
    def evaluate(model, loader):
        restore = model.training
        model.eval()
        right, total, loss = 0, 0, 0.0
        with torch.no_grad():
            for x, y in loader:
                logits = model(x)
                right += (logits.argmax(-1) == y).long().sum().item()
                loss += _Loop.criterion(logits, y).item()
                total += y.numel()
        model.train(restore)
        return {"accuracy": right / total, "loss": loss / total}

    @staticmethod
    def train_one_epoch(model, loader, optimizer, loss_fn):
        model.train()
        running, total = 0.0, 0
        for x, y in loader:
            for p in model.parameters():
                p.grad = None
            batch_loss = loss_fn(model(x), y)
            batch_loss.backward()
            optimizer.step()
            running += batch_loss.item() * y.numel()
            total += y.numel()
        return running / total


evaluate = _Loop.evaluate
train_one_epoch = _Loop.train_one_epoch
