"""A correct solution written differently: zero padding built with torch.cat, the crop through narrow(), the flip
with torch.flip(dims=(-1,)), statistics broadcast with view(-1, 1, 1) after torch.tensor(..., dtype=x.dtype), and
the dataset holding its generator under another name."""

import torch
from torch.utils import data


def to_tensor(img):
    return torch.movedim(img, 2, 0).to(torch.float32).div(255)


def normalize(x, mean, std):
    m = torch.tensor([float(v) for v in mean], dtype=x.dtype, device=x.device).view(-1, 1, 1)
    s = torch.tensor([float(v) for v in std], dtype=x.dtype, device=x.device).view(-1, 1, 1)
    return (x - m) / s


def _pad(img, p):
    if p == 0:
        return img
    *lead, h, w = img.shape
    side = img.new_zeros(*lead, h, p)
    img = torch.cat([side, img, side], dim=-1)
    row = img.new_zeros(*lead, p, w + 2 * p)
    return torch.cat([row, img, row], dim=-2)


def random_crop(img, size, padding, generator):
    big = _pad(img, padding)
    top = torch.randint(0, big.shape[-2] - size + 1, (1,), generator=generator).item()
    left = torch.randint(0, big.shape[-1] - size + 1, (1,), generator=generator).item()
    return big.narrow(-2, top, size).narrow(-1, left, size)


def random_hflip(img, p, generator):
    draw = torch.rand(1, generator=generator)
    return torch.flip(img, dims=(-1,)) if draw.item() < p else img


class AugmentedDataset(data.Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self._imgs, self._labels = images, labels
        self._size, self._pad, self._p = size, padding, p
        self._rng = torch.Generator()
        self._rng.manual_seed(seed)

    def __len__(self):
        return int(self._imgs.shape[0])

    def __getitem__(self, index):
        out = random_hflip(random_crop(self._imgs[index], self._size, self._pad, self._rng), self._p, self._rng)
        return (out, self._labels[index])
