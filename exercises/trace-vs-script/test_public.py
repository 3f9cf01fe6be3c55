"""Public graders for trace-vs-script."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_to_static_takes_both_branches(learner, device):
    """to_static(Gate(), ones(3)) returns a ScriptModule that gives x - 10 for x = -ones(3)."""
    example = torch.ones(3, device=device)
    inputs = [torch.ones(3, device=device), -torch.ones(3, device=device)]
    got = learner.probe("static_outputs", "Gate", 0, example, inputs)
    if not got["is_script"] or not got["callable"]:
        raise CheckFailure("to_static must return a torch.jit.ScriptModule", f"it returned a {got['type']}")
    for x, out, want in zip(("ones(3)", "-ones(3)"), got["outputs"], P.reference("Gate", 0, inputs)):
        expect_close(out, want, what=f"the captured Gate on {x}", inputs=f"captured with example ones(3), run on {x}")


def test_branch_free_example(learner, device):
    """branch_free(x) equals Gate()(x) on ones(3) and -ones(3)."""
    for x in (torch.ones(3, device=device), -torch.ones(3, device=device)):
        expect_close(learner.call("branch_free", x), P.Gate()(x), what="branch_free(x)", inputs=f"x = {x.tolist()}")
