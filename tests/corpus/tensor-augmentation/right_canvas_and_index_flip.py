"""Correct: crops from a zero canvas (any leading axes), flips by reversed indexing."""

import torch
from torch.utils.data import Dataset


def to_tensor(img):
    return torch.movedim(img, -1, 0).float().div(255)


def normalize(x, mean, std):
    shape = (-1, 1, 1)
    m = torch.tensor(list(map(float, mean)), dtype=x.dtype, device=x.device).view(shape)
    s = torch.tensor(list(map(float, std)), dtype=x.dtype, device=x.device).view(shape)
    return x.sub(m).div(s)


def random_crop(img, size, padding, generator):
    *lead, h, w = img.shape
    canvas = img.new_zeros(*lead, h + 2 * padding, w + 2 * padding)
    canvas[..., padding:padding + h, padding:padding + w] = img
    top = torch.randint(0, h + 2 * padding - size + 1, (1,), generator=generator).item()
    left = torch.randint(0, w + 2 * padding - size + 1, (1,), generator=generator).item()
    return canvas[..., top:top + size, left:left + size]


def random_hflip(img, p, generator):
    u = torch.rand(1, generator=generator).item()
    if u < p:
        return img[..., torch.arange(img.shape[-1] - 1, -1, -1, device=img.device)]
    return img


class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self.data = (images, labels)
        self.cfg = (size, padding, p)
        self.g = torch.Generator()
        self.g.manual_seed(seed)

    def __len__(self):
        return self.data[0].shape[0]

    def __getitem__(self, i):
        size, padding, p = self.cfg
        out = random_crop(self.data[0][i], size, padding, self.g)
        out = random_hflip(out, p, self.g)
        return out, self.data[1][i]
