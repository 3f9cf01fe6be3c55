"""Public graders for fix-transformer-classifier."""

import torch

from grader.judge.checks import expect_tensor


def test_shape_example(learner, device):
    """TextClassifier(20, 8, 16, 2) maps a padded (3, 6) batch of token ids to (3, 2) float32 logits: one row per
    sentence; with pad_idx=5 a batch padded with 5 gives the same shape."""
    x = torch.tensor([[5, 7, 2, 0, 0, 0], [1, 2, 3, 4, 5, 6], [9, 9, 0, 0, 0, 0]], device=device)
    expect_tensor(learner.probe("forward", [20, 8, 16, 2], None, x), shape=(3, 2), dtype=torch.float32,
                  device=device, what="TextClassifier(20, 8, 16, 2)(x)")
    x = torch.tensor([[0, 7, 2, 5, 5], [1, 2, 3, 4, 6]], device=device)
    expect_tensor(learner.probe("forward", [20, 8, 16, 2, 2, 1, 5], None, x), shape=(2, 2), dtype=torch.float32,
                  device=device, what="TextClassifier(20, 8, 16, 2, pad_idx=5)(x)")
