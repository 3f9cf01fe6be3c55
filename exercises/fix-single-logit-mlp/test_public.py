"""Public graders for fix-single-logit-mlp."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close


def test_empty_hidden_example(learner):
    """MultiLayerNN(4, [], 2) is a single Linear(4, 2): 10 parameters (the seed raises IndexError)."""
    got = learner.probe("describe", 4, [], 2)
    if got["layers"] != ["Linear"] or got["count"] != 10:
        raise CheckFailure("MultiLayerNN(4, [], 2) should be one Linear(4, 2) with 10 parameters",
                           f"received layers {got['layers']} with {got['count']} parameters")


def test_single_logit_loss_example(learner, device):
    """With one logit per sample the loss is binary cross-entropy on it: not 0, as cross_entropy over one logit is."""
    logits = torch.tensor([[2.0], [-1.0], [0.5]], dtype=torch.float64, device=device)
    y = torch.tensor([1, 0, 0], device=device)
    want = F.binary_cross_entropy_with_logits(logits[:, 0], y.double())
    expect_close(learner.call("classification_loss", logits, y), want, rtol=1e-10, atol=1e-12,
                 what="classification_loss", inputs="logits [[2], [-1], [0.5]], y [1, 0, 0]")
