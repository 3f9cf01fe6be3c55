"""Hidden graders for fix-jit-fork: values on random inputs, one fork per function, results in order."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_script_values(learner, device, rng):
    """my_function returns (x + y, x * y) for random inputs of several shapes."""
    for shape in ((3,), (2, 4)):
        x = torch.randn(shape, generator=rng).to(device)
        y = torch.randn(shape, generator=rng).to(device)
        got = learner.probe("script_facts", x, y)
        if not (got["is_script"] and got["fork"] and got["wait"]):
            raise CheckFailure("my_function must be scripted and fork/wait a task")
        if not isinstance(got["out"], list) or len(got["out"]) != 2:
            raise CheckFailure("my_function must return a pair (x + y, x * y)")
        expect_close(got["out"][0], x + y, what="the first output of my_function")
        expect_close(got["out"][1], x * y, what="the second output of my_function")


def test_fork_all(learner, device, rng):
    """fork_all forks once per function and returns their results in order."""
    x = torch.randn(5, generator=rng).to(device)
    got = learner.probe("forked", x)
    if got["forks"] != 4:
        raise CheckFailure("fork_all must start every function with torch.jit.fork (one fork per function)")
    if not isinstance(got["out"], list) or len(got["out"]) != 4:
        raise CheckFailure("fork_all must return a list with one result per function (the waited values)")
    for i, (a, b) in enumerate(zip(got["out"], got["want"])):
        expect_close(a, b, what=f"result {i} of fork_all")
