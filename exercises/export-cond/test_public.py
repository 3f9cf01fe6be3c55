"""Public graders for export-cond."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_exported_gate_example(learner, device):
    """export_model(CondGate(), ones(3)) gives an ExportedProgram whose module returns x - 10 for x = -ones(3)."""
    inputs = [torch.ones(3, device=device), -torch.ones(3, device=device)]
    got = learner.probe("cond_gate_exported", inputs[0], inputs)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram", f"it returned a {got['type']}")
    for x, out in zip(inputs, got["outputs"]):
        want = x * 2 if x.sum() > 0 else x - 10
        expect_close(out, want, what=f"the exported CondGate on {x.tolist()}", inputs="exported with example ones(3)")
