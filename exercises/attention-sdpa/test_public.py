"""Public graders for attention-sdpa."""

import torch
import torch.nn.functional as F

from grader.judge.checks import expect_close


def example(device):
    q = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]], dtype=torch.float64, device=device)
    k = torch.tensor([[[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]]], dtype=torch.float64, device=device)
    v = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], dtype=torch.float64, device=device)
    return q, k, v


def test_attention_example(learner, device):
    """Three queries, three keys of size 2: softmax(q k^T / sqrt(2)) v, as F.scaled_dot_product_attention gives."""
    q, k, v = example(device)
    expect_close(learner.call("scaled_dot_product_attention", q, k, v), F.scaled_dot_product_attention(q, k, v),
                 rtol=1e-12, atol=1e-12, what="the attention output",
                 inputs="q [[1, 0], [0, 1], [1, 1]], k [[1, 0], [0, 2], [-1, 1]], v [[1, 2], [3, 4], [5, 6]]")


def test_causal_example(learner, device):
    """is_causal=True: query i only sees keys 0..i, so the first output is exactly v[0]."""
    q, k, v = example(device)
    expect_close(learner.call("scaled_dot_product_attention", q, k, v, is_causal=True),
                 F.scaled_dot_product_attention(q, k, v, is_causal=True), rtol=1e-12, atol=1e-12,
                 what="the causal attention output", inputs="the same q, k, v, is_causal=True")
