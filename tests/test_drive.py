"""grader.drive's load_parameters: as strict as load_state_dict on what the task fixes (the parameters), lenient
only on buffers of the learner's own."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from grader import drive


class Head(nn.Module):
    def __init__(self, extra_buffer: bool = False) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)
        if extra_buffer:
            self.register_buffer("calls", torch.zeros((), dtype=torch.long))


def weights() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    reference = Head()
    reference.norm.running_mean.uniform_(-1, 1)
    return {k: v.clone() for k, v in reference.state_dict().items()}


def test_loads_parameters_and_named_buffers_and_keeps_own_buffers():
    model = Head(extra_buffer=True)
    model.calls += 5
    given = weights()
    drive.load_parameters(model, given)
    for k, v in given.items():
        assert torch.equal(model.state_dict()[k], v), k
    assert int(model.calls) == 5


def test_missing_parameter_is_refused():
    given = weights()
    del given["fc.bias"]
    with pytest.raises(RuntimeError, match=r"missing parameter\(s\) \['fc.bias'\]"):
        drive.load_parameters(Head(), given)


def test_unexpected_key_is_refused():
    given = {**weights(), "extra.weight": torch.zeros(2)}
    with pytest.raises(RuntimeError, match=r"unexpected key\(s\) \['extra.weight'\]"):
        drive.load_parameters(Head(), given)


def test_other_shape_is_refused():
    given = {**weights(), "fc.bias": torch.zeros(1, 2)}
    with pytest.raises(RuntimeError, match="size mismatch"):
        drive.load_parameters(Head(), given)


# ---------------------------------------------------------------- grad_mode: a caller's block that sees a leak


@pytest.mark.parametrize("enabled", [False, True])
def test_grad_mode_is_the_block_it_replaces_and_puts_the_callers_mode_back(enabled):
    for outer in (False, True):
        with torch.set_grad_enabled(outer):
            with drive.grad_mode(enabled):
                assert torch.is_grad_enabled() is enabled
                with torch.set_grad_enabled(not enabled):  # the learner's own block, closed: no leak
                    pass
            assert torch.is_grad_enabled() is outer


@pytest.mark.parametrize("enabled", [False, True])
def test_a_call_that_leaves_grad_mode_changed_inside_the_block_fails(enabled):
    def leaks():  # switches grad mode without a with block, and never back
        torch.set_grad_enabled(not enabled)

    with pytest.raises(RuntimeError, match=f"left grad mode {'off' if enabled else 'on'} when it returned"):
        with drive.grad_mode(enabled):
            leaks()
    assert torch.is_grad_enabled()  # the caller's mode (pytest runs with grad mode on)


def test_an_error_inside_the_block_is_the_one_reported():
    with pytest.raises(ZeroDivisionError):
        with drive.grad_mode(False):
            torch.set_grad_enabled(True)
            1 / 0
    assert torch.is_grad_enabled()


def test_probes_open_no_grad_mode_block_of_torchs_own():
    """Every grad-mode block in the exercises' probes is drive.grad_mode: torch's own block would put the caller's
    mode back and hide a learner's call that left it changed."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "exercises"
    found = [f"{p.parent.name}/probes.py:{n}" for p in sorted(root.glob("*/probes.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.match(r"\s*with torch\.(no_grad|enable_grad|set_grad_enabled)\(.*:\s*(#.*)?$", line)]
    assert not found, f"use drive.grad_mode(...) in place of torch's grad-mode blocks: {found}"
