"""Violates "random_hflip(img, p, generator): draw torch.rand(1, generator=generator) (always)": it skips the draw when
p <= 0 or p >= 1 (the flip is decided anyway), so every later draw from the generator is shifted."""
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset


def to_tensor(img):
    return img.permute(2, 0, 1).to(torch.float32).div(255.0).contiguous()


def normalize(x, mean, std):
    m = torch.as_tensor(mean, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    s = torch.as_tensor(std, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    return (x - m) / s


def random_crop(img, size, padding, generator):
    if padding > 0:
        img = F.pad(img, (padding, padding, padding, padding))
    H, W = img.shape[-2], img.shape[-1]
    top = int(torch.randint(0, H - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, W - size + 1, (1,), generator=generator))
    return img[..., top:top + size, left:left + size].clone()


def random_hflip(img, p, generator):
    if p <= 0:
        return img.clone()
    if p >= 1:
        return img.flip(-1)
    r = torch.rand(1, generator=generator).item()
    if r < p:
        return img.flip(-1)
    return img.clone()


class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self.images, self.labels = images, labels
        self.size, self.padding, self.p = size, padding, p
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = random_crop(self.images[i], self.size, self.padding, self.generator)
        return random_hflip(x, self.p, self.generator), self.labels[i]
