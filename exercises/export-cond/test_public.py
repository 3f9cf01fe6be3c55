"""Public graders for export-cond. References are computed here; the worker sends back outputs and graph text."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def gate(x):
    return x * 2 if x.sum() > 0 else x - 10


def expect_cond_program(got, what, inputs=""):
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram", f"it returned a {got['type']}; "
                           f"{inputs}")
    if "torch.ops.higher_order.cond" not in got["graph"]:
        raise CheckFailure(f"the exported graph of CondGate has no cond node ({what}): one branch was specialized away",
                           inputs)


def test_exported_gate_example(learner, device):
    """export_model(CondGate(), ones(3)) gives an ExportedProgram with a cond node whose module returns x - 10 for
    x = -ones(3)."""
    inputs = [torch.ones(3, device=device), -torch.ones(3, device=device)]
    got = learner.probe("cond_gate_exported", inputs[0], inputs)
    expect_cond_program(got, "exported with example ones(3)", "exported with example ones(3)")
    for x, out in zip(inputs, got["outputs"]):
        if isinstance(out, str):
            raise CheckFailure(f"the exported CondGate raised {out} on {x.tolist()}", "exported with example ones(3)")
        expect_close(out, gate(x), what=f"the exported CondGate on {x.tolist()}", inputs="exported with example ones(3)")
