"""Violates "`random_hflip(img, p, generator)`: for `img` of shape `(..., H, W)` ... flip the last axis": flips axis 2, the last one only for a (C, H, W) image (a 2-D image raises, an (N, C, H, W) batch flips its height)."""

# %%
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset


# %% [markdown]
# torchvision's `ToTensor`, `Normalize`, `RandomCrop(size, padding)` and
# `RandomHorizontalFlip(p)`, written with tensors only, drawing every random number from an
# explicit `torch.Generator` so that a seed reproduces the augmentation exactly.

# %%
def to_tensor(img):
    return img.permute(2, 0, 1).to(torch.float32) / 255.0  # (H, W, C) uint8 -> (C, H, W) in [0, 1]


def normalize(x, mean, std):
    mean = torch.as_tensor(mean, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    std = torch.as_tensor(std, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    return (x - mean) / std


def random_crop(img, size, padding, generator):
    img = F.pad(img, (padding, padding, padding, padding))
    top = int(torch.randint(0, img.shape[-2] - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, img.shape[-1] - size + 1, (1,), generator=generator))
    return img[..., top:top + size, left:left + size]


def random_hflip(img, p, generator):
    return img.flip(2) if float(torch.rand(1, generator=generator)) < p else img


# %%
class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self.images, self.labels, self.size, self.padding, self.p = images, labels, size, padding, p
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        img = random_crop(self.images[i], self.size, self.padding, self.generator)
        return random_hflip(img, self.p, self.generator), self.labels[i]
