"""Public graders for grad-accumulation."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)


def test_accumulated_example(learner, device):
    """6 samples in micro-batches of 4 and 2 give the same gradients as the full batch of 6."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 3, generator=g, dtype=torch.float64).to(device)
    y = torch.randn(6, 2, generator=g, dtype=torch.float64).to(device)
    got = learner.probe("grads", 0, x, y, 4)
    got = got.get("value") if isinstance(got, dict) else got
    want = probes.reference_full_batch_grads(0, x, y)
    inputs = "Sequential(Linear(3, 8), Tanh(), Linear(8, 2)).double() after torch.manual_seed(0); 6 samples, micro-batches of 4"
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure("accumulated_grads must return {name: gradient} for every parameter",
                           f"inputs: {inputs}\nexpected the keys {sorted(want)}, received {summarize(got)}")
    for name, w in want.items():
        expect_close(got[name], w.detach(), rtol=1e-10, atol=1e-12, what=f"the gradient of {name}", inputs=inputs)
