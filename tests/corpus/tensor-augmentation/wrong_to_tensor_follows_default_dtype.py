"""Breaks: "`to_tensor(img)`: a `(H, W, C)` uint8 image to float32 `(C, H, W)` in [0, 1]". Angle: L. How: img.permute(2, 0, 1) / 255: uint8 divided by a Python number gives the default dtype, float32 only while nobody changed it."""

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
    ### BEGIN SOLUTION
    return img.permute(2, 0, 1) / 255  # (H, W, C) uint8 -> (C, H, W) in [0, 1]
    ### END SOLUTION


def normalize(x, mean, std):
    ### BEGIN SOLUTION
    mean = torch.as_tensor(mean, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    std = torch.as_tensor(std, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)
    return (x - mean) / std
    ### END SOLUTION


def random_crop(img, size, padding, generator):
    ### BEGIN SOLUTION
    img = F.pad(img, (padding, padding, padding, padding))
    top = int(torch.randint(0, img.shape[-2] - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, img.shape[-1] - size + 1, (1,), generator=generator))
    return img[..., top:top + size, left:left + size]
    ### END SOLUTION


def random_hflip(img, p, generator):
    ### BEGIN SOLUTION
    return img.flip(-1) if float(torch.rand(1, generator=generator)) < p else img
    ### END SOLUTION


# %%
class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        ### BEGIN SOLUTION
        self.images, self.labels, self.size, self.padding, self.p = images, labels, size, padding, p
        self.generator = torch.Generator().manual_seed(seed)
        ### END SOLUTION

    def __len__(self):
        ### BEGIN SOLUTION
        return len(self.images)
        ### END SOLUTION

    def __getitem__(self, i):
        ### BEGIN SOLUTION
        img = random_crop(self.images[i], self.size, self.padding, self.generator)
        return random_hflip(img, self.p, self.generator), self.labels[i]
        ### END SOLUTION
