"""to_tensor multiplies by the float32 reciprocal 1/255 instead of dividing by 255: one float32 rounding away from ToTensor's values for about half of the 256 byte values, the same transform (a blind right-variant round wrote it; it used to be refused as inexact)."""
import torch
import torch.nn.functional as Fn
from torch.utils.data import Dataset
from torch import randint, rand


def to_tensor(img):
    chw = torch.movedim(img, -1, 0)
    return chw.to(dtype=torch.float32).mul(1.0 / 255)


def _per_channel(v, like, ndim_tail):
    t = torch.as_tensor(v, dtype=like.dtype, device=like.device)
    return t.view(t.numel(), *([1] * ndim_tail))


def normalize(x, mean, std):
    return torch.div(torch.sub(x, _per_channel(mean, x, 2)), _per_channel(std, x, 2))


def random_crop(img, size, padding, generator):
    padded = Fn.pad(img, [padding] * 4, mode="constant", value=0) if padding else img
    h, w = padded.shape[-2:]
    top = randint(0, h - size + 1, (1,), generator=generator).item()
    left = randint(0, w - size + 1, (1,), generator=generator).item()
    return padded.narrow(-2, top, size).narrow(-1, left, size).clone()


def random_hflip(img, p, generator):
    u = rand(1, generator=generator)
    return torch.flip(img, [-1]) if bool(u < p) else img.clone()


class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        self._gen = torch.Generator()
        self._gen.manual_seed(seed)
        self._data = (images, labels)
        self._cfg = dict(size=size, padding=padding)
        self._p = p

    def __len__(self):
        return self._data[0].shape[0]

    def __getitem__(self, i):
        imgs, labs = self._data
        cropped = random_crop(imgs[i], generator=self._gen, **self._cfg)
        return random_hflip(cropped, self._p, self._gen), labs[i]
