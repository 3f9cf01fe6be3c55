"""Hidden graders for tensor-augmentation: random images and seeds, against reference augmentations."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def ref_crop(img, size, padding, g):
    img = F.pad(img, (padding,) * 4)
    top = int(torch.randint(0, img.shape[-2] - size + 1, (1,), generator=g))
    left = int(torch.randint(0, img.shape[-1] - size + 1, (1,), generator=g))
    return img[..., top:top + size, left:left + size]


def ref_flip(img, p, g):
    return img.flip(-1) if float(torch.rand(1, generator=g)) < p else img


def image(rng, device, c=3, h=8, w=8):
    return torch.rand(c, h, w, generator=rng).to(device)


def test_to_tensor(learner, device, rng):
    """to_tensor turns (H, W, C) uint8 into float32 (C, H, W) in [0, 1], for any size and channel count."""
    for shape in ((5, 7, 3), (4, 4, 1), (1, 9, 4)):
        img = torch.randint(0, 256, shape, generator=rng, dtype=torch.uint8).to(device)
        expect_close(learner.call("to_tensor", img), img.permute(2, 0, 1).float() / 255, rtol=1e-6, atol=1e-7,
                     what=f"to_tensor on an image of shape {shape}")


def test_normalize(learner, device, rng):
    """normalize subtracts and divides per channel (lists or tensors), also on an (N, C, H, W) batch."""
    x = torch.rand(2, 3, 4, 5, generator=rng, dtype=torch.float64).to(device)
    mean, std = [0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]
    want = (x - torch.tensor(mean, dtype=torch.float64, device=device)[:, None, None]) / torch.tensor(
        std, dtype=torch.float64, device=device)[:, None, None]
    expect_close(learner.call("normalize", x, mean, std), want, rtol=1e-12, atol=1e-12, what="normalize on a batch")
    expect_close(learner.call("normalize", x[0], torch.tensor(mean), torch.tensor(std)), want[0], rtol=1e-6,
                 atol=1e-6, what="normalize on one image with tensor statistics")


def test_crop_follows_the_generator(learner, device, rng):
    """random_crop pads with zeros, then draws top and then left with torch.randint from the generator."""
    for size, padding, shape in ((8, 4, (3, 8, 8)), (5, 0, (1, 9, 7)), (6, 2, (2, 6, 10))):
        img, seed = image(rng, device, *shape), int(torch.randint(0, 10_000, (), generator=rng))
        got = learner.probe("crop", img, size, padding, seed, 5)
        g = torch.Generator().manual_seed(seed)
        for k, crop in enumerate(got):
            expect_close(crop, ref_crop(img, size, padding, g), what=f"crop {k + 1} of 5 (size {size}, padding {padding})")


def test_crop_edge_cases(learner, device, rng):
    """padding 0 with the full size is the identity; crops have shape (C, size, size) and keep the dtype."""
    img = image(rng, device)
    (same,) = learner.probe("crop", img, 8, 0, 1)
    expect_close(same, img, what="random_crop(img, 8, 0) on an 8 x 8 image")
    (small,) = learner.probe("crop", img.double(), 3, 2, 2)
    expect_tensor(small, what="a 3 x 3 crop", shape=(3, 3, 3), dtype=torch.float64, device=device)


def test_flip(learner, device, rng):
    """random_hflip flips the last axis when torch.rand(1, generator) < p: p = 1 always, p = 0 never."""
    img = image(rng, device)
    for p in (0.0, 1.0, 0.5, 0.3):
        seed = int(torch.randint(0, 10_000, (), generator=rng))
        got = learner.probe("flip", img, p, seed, 6)
        g = torch.Generator().manual_seed(seed)
        for k, out in enumerate(got):
            expect_close(out, ref_flip(img, p, g), what=f"flip {k + 1} of 6 with p = {p}")


def test_dataset_and_loader(learner, device, rng):
    """AugmentedDataset crops then flips each image with one generator seeded once; a DataLoader batches it reproducibly."""
    images = torch.rand(10, 3, 6, 6, generator=rng)
    labels = torch.randint(0, 4, (10,), generator=rng)
    seed = int(torch.randint(0, 10_000, (), generator=rng))
    got = learner.probe("dataset", images, labels, 6, 2, 0.5, seed, 4)
    if got["len"] != 10:
        raise CheckFailure("len(dataset) must be the number of images")
    g = torch.Generator().manual_seed(seed)
    first = ref_flip(ref_crop(images[0], 6, 2, g), 0.5, g)
    expect_close(got["item"][0], first, what="dataset[0]'s image")
    g = torch.Generator().manual_seed(seed)
    want = [ref_flip(ref_crop(images[i], 6, 2, g), 0.5, g) for i in range(10)]
    batches = got["first"]
    if [tuple(b[0].shape) for b in batches] != [(4, 3, 6, 6), (4, 3, 6, 6), (2, 3, 6, 6)]:
        raise CheckFailure("the DataLoader should give batches of shape (4, 3, 6, 6), (4, 3, 6, 6), (2, 3, 6, 6)")
    expect_close(torch.cat([b[0] for b in batches]), torch.stack(want), what="the augmented images, in loader order")
    expect_close(torch.cat([b[1] for b in batches]), labels, what="the labels, in loader order")
    expect_close(torch.cat([b[0] for b in got["second"]]), torch.stack(want),
                 what="a second dataset with the same seed (same augmentations)")
