"""Public graders for seq2seq-attention."""

import torch

from grader.judge.checks import expect_tensor


def test_shapes_example(learner, device):
    """Seq2Seq(9, 4, 6, bos_idx=8): forward on (2, 5) src and (2, 3) tgt gives (2, 3, 9) logits; greedy gives (2, 4)."""
    torch.manual_seed(0)
    weights = {k: v.double().to(device) for k, v in
               {"src_emb.weight": torch.randn(9, 4), "tgt_emb.weight": torch.randn(9, 4),
                "encoder.weight_ih_l0": torch.randn(18, 4), "encoder.weight_hh_l0": torch.randn(18, 6),
                "encoder.bias_ih_l0": torch.randn(18), "encoder.bias_hh_l0": torch.randn(18),
                "decoder.weight_ih": torch.randn(18, 10), "decoder.weight_hh": torch.randn(18, 6),
                "decoder.bias_ih": torch.randn(18), "decoder.bias_hh": torch.randn(18),
                "out.weight": torch.randn(9, 12), "out.bias": torch.randn(9)}.items()}
    src = torch.tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], device=device)
    tgt = torch.tensor([[5, 4, 3], [1, 2, 3]], device=device)
    expect_tensor(learner.probe("forward", [9, 4, 6, 8], weights, src, tgt), shape=(2, 3, 9), dtype=torch.float64,
                  device=device, what="the teacher-forced logits")
    expect_tensor(learner.probe("greedy", [9, 4, 6, 8], weights, src, 4), shape=(2, 4), dtype=torch.int64,
                  device=device, what="the greedy tokens")
