"""Public graders for packed-seq-tagger."""

import torch
import torch.nn.functional as F

from grader.judge.checks import expect_close, expect_tensor


def test_shape_example(learner, device):
    """SeqTagger(10, 4, 6, 3) tags a (2, 5) batch with lengths [5, 3]: logits of shape (2, 5, 3), one row per token."""
    tokens = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 0, 0]], device=device)
    lengths = torch.tensor([5, 3], device=device)
    expect_tensor(learner.probe("forward", [10, 4, 6, 3], None, tokens, lengths), shape=(2, 5, 3),
                  dtype=torch.float64, device=device, what="SeqTagger(10, 4, 6, 3)(tokens, lengths)")


def test_loss_example(learner, device):
    """tagging_loss averages cross-entropy over the real tokens only: a tag of -100 marks padding."""
    logits = torch.tensor([[[2.0, 0.0], [0.0, 1.0], [5.0, -5.0]]], dtype=torch.float64, device=device)
    tags = torch.tensor([[0, 1, -100]], device=device)
    want = F.cross_entropy(logits[0, :2], tags[0, :2])
    expect_close(learner.call("tagging_loss", logits, tags), want, rtol=1e-10, atol=1e-12, what="tagging_loss",
                 inputs="logits [[[2, 0], [0, 1], [5, -5]]], tags [[0, 1, -100]]")
