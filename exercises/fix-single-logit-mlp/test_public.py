"""Public graders for fix-single-logit-mlp."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, summarize


def test_empty_hidden_example(learner):
    """MultiLayerNN(4, [], 2) is a single Linear(4, 2): 10 parameters (the seed raises IndexError)."""
    got = learner.probe("describe", 4, [], 2)
    params = got.get("params") if isinstance(got, dict) else None
    shapes = {k: tuple(v.shape) for k, v in params.items()} if isinstance(params, dict) else None
    want = {"model.0.weight": (2, 4), "model.0.bias": (2,)}
    if got.get("layers") != ["Linear"] or shapes != want:
        raise CheckFailure("MultiLayerNN(4, [], 2).model should be nn.Sequential(Linear(4, 2)): 10 parameters",
                           f"expected layers ['Linear'] with parameters {want}\n"
                           f"received layers {summarize(got.get('layers'))} with parameters {shapes}")


def test_single_logit_loss_example(learner, device):
    """With one logit per sample the loss is binary cross-entropy on it: not 0, as cross_entropy over one logit is."""
    logits = torch.tensor([[2.0], [-1.0], [0.5]], dtype=torch.float64, device=device)
    y = torch.tensor([1, 0, 0], device=device)
    want = F.binary_cross_entropy_with_logits(logits[:, 0], y.double())
    expect_close(learner.call("classification_loss", logits, y), want, rtol=1e-10, atol=1e-12,
                 what="classification_loss (a 0-d tensor)", inputs="logits [[2], [-1], [0.5]], y [1, 0, 0] (float64, int64)")
