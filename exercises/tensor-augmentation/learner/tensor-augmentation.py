# %% [markdown]
# # Data augmentation without torchvision: ToTensor, Normalize, RandomCrop with padding, RandomHorizontalFlip
#
# `tensor-augmentation` · code · easy · about 20 min
#
# Write, with tensors only (torchvision is not installed):
#
# * `to_tensor(img)`: a `(H, W, C)` uint8 image to float32 `(C, H, W)` in [0, 1] (`ToTensor`).
# * `normalize(x, mean, std)`: per channel `(x - mean) / std`, for `(C, H, W)` or `(N, C, H, W)`; mean and std are
#   lists or 1-D tensors with one value per channel.
# * `random_crop(img, size, padding, generator)`: zero-pad the last two axes by `padding`, draw
#   `top = torch.randint(0, H + 2 * padding - size + 1, (1,), generator=generator)`, then `left` the same way over the
#   width, and return the `size x size` window.
# * `random_hflip(img, p, generator)`: draw `torch.rand(1, generator=generator)` (always) and flip the last axis if it
#   is below p.
# * `AugmentedDataset(images, labels, size, padding, p=0.5, seed=0)`: a `torch.utils.data.Dataset` over `(N, C, H, W)`
#   images whose item `i` is `(random_hflip(random_crop(images[i], ...)), labels[i])`, all drawn from one generator
#   seeded once in `__init__`, so that the same seed and access order give the same images.
#
# Outputs are compared exactly with a reference that draws the same numbers. The seed's transforms never run here:
# torchvision is not even imported.
#
# Check your work: `prep check tensor-augmentation`. Stuck? `prep hint tensor-augmentation`.

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
    raise NotImplementedError("tensor-augmentation: your code here")


def normalize(x, mean, std):
    raise NotImplementedError("tensor-augmentation: your code here")


def random_crop(img, size, padding, generator):
    raise NotImplementedError("tensor-augmentation: your code here")


def random_hflip(img, p, generator):
    raise NotImplementedError("tensor-augmentation: your code here")

# %%
class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        raise NotImplementedError("tensor-augmentation: your code here")

    def __len__(self):
        raise NotImplementedError("tensor-augmentation: your code here")

    def __getitem__(self, i):
        raise NotImplementedError("tensor-augmentation: your code here")
