"""Public graders for ring-all-reduce."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_three_ranks_example(learner, device):
    """3 ranks holding [1,2,3], [10,20,30], [100,200,300]: every rank gets [111, 222, 333] through 12 neighbour sends."""
    tensors = [torch.tensor([1.0, 2.0, 3.0], device=device) * s for s in (1, 10, 100)]
    got = learner.probe("run", tensors)
    inputs = "tensors = [1, 2, 3], [10, 20, 30], [100, 200, 300]"
    if got["bad"]:
        raise CheckFailure("only sends to the right-hand neighbour are allowed", "; ".join(got["bad"]))
    if len(got["out"]) != 3:
        raise CheckFailure("ring_all_reduce must return one tensor per rank", inputs)
    for r, out in enumerate(got["out"]):
        expect_close(out, torch.tensor([111.0, 222.0, 333.0], device=device), what=f"rank {r}'s result", inputs=inputs)
    if got["sends"] != 12:
        raise CheckFailure("a ring all-reduce over 3 ranks takes 2 * (3 - 1) steps of 3 sends", f"you sent {got['sends']}")
