"""Public graders for fix-static-graph-optimize."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_seed_example(learner, device):
    """optimize(f) for f = (x*y + y) + x*y keeps one mul and two adds, and computes the same values."""
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    y = torch.tensor([4.0, 5.0, 6.0], device=device)
    got = learner.probe("report", "seed_example", [(x, y)])
    if not got["is_gm"]:
        raise CheckFailure("optimize must return a torch.fx.GraphModule", f"it returned a {got['type']}")
    if got["ops"] != ["add", "add", "mul"]:
        raise CheckFailure("the optimized graph of f(x, y) = (x*y + y) + x*y should call mul once and add twice",
                           f"its calls: {got['ops']}")
    expect_close(got["outputs"][0], (x * y + y) + x * y, what="the optimized f(x, y)",
                 inputs="x = [1, 2, 3], y = [4, 5, 6]")
