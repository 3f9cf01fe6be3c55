"""Public graders for fix-jit-fork."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_script_example(learner, device):
    """my_function(ones(2), full(3)) is ([4, 4], [3, 3]), from a scripted graph with prim::fork and aten::wait."""
    x, y = torch.ones(2, device=device), torch.full((2,), 3.0, device=device)
    got = learner.probe("script_facts", x, y)
    if not got["is_script"]:
        raise CheckFailure("my_function must be a TorchScript function (decorate it with @torch.jit.script)")
    if not (got["fork"] and got["wait"]):
        raise CheckFailure("the scripted graph of my_function must fork a task and wait for it",
                           f"prim::fork in graph: {got['fork']}, aten::wait in graph: {got['wait']}")
    expect_close(got["out"][0], x + y, what="the first output (x + y)", inputs="x = [1, 1], y = [3, 3]")
    expect_close(got["out"][1], x * y, what="the second output (x * y)", inputs="x = [1, 1], y = [3, 3]")
