"""Right: normalize turns list statistics into a default-dtype tensor first (torch.tensor(mean)), then moves it to
x's dtype and device: the float32 rounding of mean and std is a right answer's rounding, and the result keeps
x's dtype. (A blind right-variant round wrote it this way; float64 list statistics once denied it.)"""
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
    if not isinstance(mean, torch.Tensor):
        mean, std = torch.tensor(mean), torch.tensor(std)  # the default dtype: float32 values of the given floats
    mean = mean.to(x).view(-1, 1, 1)
    std = std.to(x).view(-1, 1, 1)
    return (x - mean) / std


def random_crop(img, size, padding, generator):
    img = F.pad(img, (padding, padding, padding, padding))
    top = int(torch.randint(0, img.shape[-2] - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, img.shape[-1] - size + 1, (1,), generator=generator))
    return img[..., top:top + size, left:left + size]


def random_hflip(img, p, generator):
    return img.flip(-1) if float(torch.rand(1, generator=generator)) < p else img


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
