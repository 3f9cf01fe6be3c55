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
