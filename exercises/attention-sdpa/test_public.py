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


def test_all_masked_row_example(learner, device):
    """A query whose boolean mask row is all False gets all-zero weights and a zero output, not nan."""
    q, k, v = example(device)
    mask = torch.tensor([[False, False, False], [True, False, True], [True, True, True]], device=device)
    inputs = "the same q, k, v, attn_mask [[F, F, F], [T, F, T], [T, T, T]]"
    expect_close(learner.call("attention_weights", q, k, attn_mask=mask),
                 torch.softmax((q @ k.transpose(-2, -1)) / 2 ** 0.5 + torch.zeros(3, 3, dtype=torch.float64,
                               device=device).masked_fill(~mask, float("-inf")), -1).nan_to_num(0.0),
                 rtol=1e-12, atol=1e-12, what="attention_weights with an all-masked first row", inputs=inputs)
    expect_close(learner.call("scaled_dot_product_attention", q, k, v, attn_mask=mask),
                 F.scaled_dot_product_attention(q, k, v, attn_mask=mask), rtol=1e-12, atol=1e-12,
                 what="the attention output with an all-masked first row", inputs=inputs)
