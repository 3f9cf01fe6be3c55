"""Public graders for ring-all-reduce."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_three_ranks_example(learner, device):
    """3 ranks holding [1,2,3], [10,20,30], [100,200,300]: every rank gets [111, 222, 333] through 12 neighbour sends,
    4 per rank, one 1-element chunk each."""
    tensors = [torch.tensor([1.0, 2.0, 3.0], device=device) * s for s in (1, 10, 100)]
    got = learner.probe("run", tensors)
    inputs = "tensors = [1, 2, 3], [10, 20, 30], [100, 200, 300]"
    out = got["out"]
    if not isinstance(out, list) or len(out) != 3:
        raise CheckFailure("ring_all_reduce must return a list with one tensor per rank", inputs)
    for r, o in enumerate(out):
        expect_close(o, torch.tensor([111.0, 222.0, 333.0], device=device), what=f"rank {r}'s result", inputs=inputs)
    log = got["log"]
    bad = [f"rank {s} sent to rank {d}" for s, d, _ in log if d != (s + 1) % 3]
    if bad:
        raise CheckFailure("only sends to the right-hand neighbour are allowed", "; ".join(bad[:3]))
    if len(log) != 12:
        raise CheckFailure("a ring all-reduce over 3 ranks takes 2 * (3 - 1) steps of 3 sends",
                           f"{inputs}\nexpected 12 sends, you sent {len(log)}")
