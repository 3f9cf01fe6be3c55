"""AugmentedDataset converts the images to float32 in __init__: items of uint8 images come back as float32, not the
images' dtype."""

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset


def to_tensor(img):
    return img.permute(2, 0, 1).to(torch.float32).div(255).contiguous()


def normalize(x, mean, std):
    mean = torch.as_tensor(mean, dtype=x.dtype).reshape(-1, 1, 1)
    std = torch.as_tensor(std, dtype=x.dtype).reshape(-1, 1, 1)
    return (x - mean) / std


def random_crop(img, size, padding, generator):
    H, W = img.shape[-2], img.shape[-1]
    if padding:
        img = F.pad(img, (padding, padding, padding, padding))
    top = int(torch.randint(0, H + 2 * padding - size + 1, (1,), generator=generator))
    left = int(torch.randint(0, W + 2 * padding - size + 1, (1,), generator=generator))
    return img[..., top:top + size, left:left + size].clone()


def random_hflip(img, p, generator):
    if torch.rand(1, generator=generator).item() < p:
        return img.flip(-1)
    return img.clone()


class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self.images, self.labels = images.float(), labels
        self.size, self.padding, self.p = size, padding, p
        self.g = torch.Generator().manual_seed(seed)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = random_crop(self.images[i], self.size, self.padding, self.g)
        return random_hflip(x, self.p, self.g), self.labels[i]
