"""Public graders for tensor-augmentation."""

import torch

from grader.judge.checks import expect_close


def test_to_tensor_and_normalize_example(learner, device):
    """A 1 x 2 RGB uint8 image becomes (3, 1, 2) floats in [0, 1]; normalize((0.5,) * 3, (0.5,) * 3) maps 0 -> -1, 255 -> 1."""
    img = torch.tensor([[[0, 128, 255], [255, 0, 64]]], dtype=torch.uint8, device=device)
    x = img.permute(2, 0, 1).float() / 255
    expect_close(learner.call("to_tensor", img), x, what="to_tensor(img)", inputs="img [[[0, 128, 255], [255, 0, 64]]]")
    expect_close(learner.call("normalize", x, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), (x - 0.5) / 0.5,
                 what="normalize(x, 0.5, 0.5)", inputs="x = to_tensor(img)")


def test_crop_example(learner, device):
    """random_crop with padding 1 and size 3 on a 3 x 3 image returns one of the 9 windows of the zero-padded 5 x 5 image."""
    img = torch.arange(1.0, 10.0, device=device).reshape(1, 3, 3)
    (got,) = learner.probe("crop", img, 3, 1, 0)
    g = torch.Generator().manual_seed(0)
    top, left = int(torch.randint(0, 3, (1,), generator=g)), int(torch.randint(0, 3, (1,), generator=g))
    want = torch.nn.functional.pad(img, (1, 1, 1, 1))[:, top:top + 3, left:left + 3]
    expect_close(got, want, what="random_crop(img, 3, 1, generator seeded with 0)", inputs="img = 1..9 as (1, 3, 3)")
