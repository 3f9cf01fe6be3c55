"""Public graders for fix-rnn-bptt."""

import torch

from grader.judge.checks import expect_close


def test_forward_example(learner, device):
    """With nn.RNN(2, 3)'s weights copied in, ElmanRNN gives the same outputs on a (1, 4, 2) sequence."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(2, 3, batch_first=True).to(device, torch.float64)
    x = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]]], dtype=torch.float64, device=device)
    got = learner.probe("forward", [2, 3], {k: v.detach() for k, v in rnn.state_dict().items()}, x)
    out, h_n = rnn(x)
    expect_close(got["out"], out.detach(), rtol=1e-10, atol=1e-12, what="the outputs",
                 inputs="nn.RNN(2, 3) weights (seed 0), x [[1, 0], [0, 1], [1, 1], [-1, 0.5]]")
    expect_close(got["h_n"], h_n.detach(), rtol=1e-10, atol=1e-12, what="h_n", inputs="the same")
