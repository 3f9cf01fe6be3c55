"""Violates "`random_crop(img, ...)`: for `img` of shape `(..., H, W)` (any leading axes), zero-pad the last two axes": the window is cut with img[:, top:..., left:...] and the sides read from shape[1], shape[2], so only a (C, H, W) image works."""
import torch
from torch.nn import functional as Fn
from torch.utils.data import Dataset as _DS


def to_tensor(img):
    return img.permute(2, 0, 1).to(dtype=torch.float32).div(255)


def _per_channel(v, like):
    return torch.as_tensor(v, dtype=like.dtype).reshape(-1, 1, 1)


def normalize(x, mean, std):
    return (x - _per_channel(mean, x)) / _per_channel(std, x)


def random_crop(img, size, padding, generator):
    padded = Fn.pad(img, (padding, padding, padding, padding))
    H, W = img.shape[1], img.shape[2]
    top = int(torch.randint(0, H + 2 * padding - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, W + 2 * padding - size + 1, (1,), generator=generator))
    return padded[:, top:top + size, left:left + size].clone()


def random_hflip(img, p, generator):
    u = torch.rand(1, generator=generator).item()
    return img.flip(-1) if u < p else img.clone()


class AugmentedDataset(_DS):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self.images, self.labels = images, labels
        self.size, self.padding, self.p = size, padding, p
        self.gen = torch.Generator()
        self.gen.manual_seed(seed)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        crop = random_crop(self.images[i], self.size, self.padding, self.gen)
        return random_hflip(crop, self.p, self.gen), self.labels[i]
