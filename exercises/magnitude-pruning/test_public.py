"""Public graders for magnitude-pruning."""

import torch

from grader.judge.checks import expect_close


def test_mask_example(learner, device):
    """Pruning 40% of [[0.5, -0.1, 2.0], [-3.0, 0.2, 1.0]] zeroes the two entries of smallest magnitude, -0.1 and 0.2;
    pruning 3 entries of [[0.5, -0.5, 2.0, 0.5], [-3.0, 0.5, 1.0, -0.5]] (five tie at |w| = 0.5) zeroes the first three
    of the tie in row-major order."""
    w = torch.tensor([[0.5, -0.1, 2.0], [-3.0, 0.2, 1.0]], device=device)
    expect_close(learner.call("l1_unstructured_mask", w, 0.4), torch.tensor([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]],
                 device=device), what="l1_unstructured_mask(w, 0.4)", inputs="w [[0.5, -0.1, 2], [-3, 0.2, 1]]")
    w = torch.tensor([[0.5, -0.5, 2.0, 0.5], [-3.0, 0.5, 1.0, -0.5]], device=device)
    expect_close(learner.call("l1_unstructured_mask", w, 3), torch.tensor([[0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]],
                 device=device), what="l1_unstructured_mask(w, 3) with ties",
                 inputs="w [[0.5, -0.5, 2, 0.5], [-3, 0.5, 1, -0.5]], amount 3 (an int: a count)")
