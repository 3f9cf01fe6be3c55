"""Public graders for seq2seq-attention."""

import torch

from grader.judge.checks import expect_tensor
from grader.judge.kit import expect_tensors


def weights(device):
    torch.manual_seed(0)
    return {k: v.double().to(device) for k, v in
            {"src_emb.weight": torch.randn(9, 4), "tgt_emb.weight": torch.randn(9, 4),
             "encoder.weight_ih_l0": torch.randn(18, 4), "encoder.weight_hh_l0": torch.randn(18, 6),
             "encoder.bias_ih_l0": torch.randn(18), "encoder.bias_hh_l0": torch.randn(18),
             "decoder.weight_ih": torch.randn(18, 10), "decoder.weight_hh": torch.randn(18, 6),
             "decoder.bias_ih": torch.randn(18), "decoder.bias_hh": torch.randn(18),
             "out.weight": torch.randn(9, 12), "out.bias": torch.randn(9)}.items()}


def test_shapes_example(learner, device):
    """Seq2Seq(9, 4, 6, bos_idx=8): decode_step gives (logits (2, 9), h (2, 6), ctx (2, 6)); forward on (2, 5) src
    and (2, 3) tgt gives (2, 3, 9) logits; greedy gives (2, 4) int64 tokens."""
    w = weights(device)
    src = torch.tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], device=device)
    tgt = torch.tensor([[5, 4, 3], [1, 2, 3]], device=device)
    h = torch.zeros(2, 6, dtype=torch.float64, device=device)
    enc = torch.ones(2, 5, 6, dtype=torch.float64, device=device)
    got = expect_tensors(learner.probe("decode_step", [9, 4, 6, 8], w, tgt[:, 0], h, h, enc), 3,
                         what="decode_step(prev (2,), h (2, 6), ctx (2, 6), enc (2, 5, 6))")
    for name, g, shape in zip(("logits", "h", "ctx"), got, ((2, 9), (2, 6), (2, 6))):
        expect_tensor(g, shape=shape, dtype=torch.float64, device=device, what=f"the {name} decode_step returns")
    expect_tensor(learner.probe("forward", [9, 4, 6, 8], w, src, tgt), shape=(2, 3, 9), dtype=torch.float64,
                  device=device, what="the teacher-forced logits")
    expect_tensor(learner.probe("greedy", [9, 4, 6, 8], w, src, 4), shape=(2, 4), dtype=torch.int64,
                  device=device, what="the greedy tokens")
