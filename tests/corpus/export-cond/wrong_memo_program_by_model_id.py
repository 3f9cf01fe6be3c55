"""WRONG: export_model caches the program per id(model), so exporting the same model again with another dynamic_batch (or example) returns the first program ("with dynamic_batch=True, dimension 0 of the input is dynamic ... otherwise it is fixed to the example's"). Blind round 19."""
from __future__ import annotations

import torch
from torch import nn

_BATCH = torch.export.Dim("batch")
_CACHE: dict = {}


def _double(x: torch.Tensor) -> torch.Tensor:
    return x * 2


def _shift(x: torch.Tensor) -> torch.Tensor:
    return x - 10


class CondGate(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cond(x.sum() > 0, _double, _shift, (x,))


def export_model(model: nn.Module, example: torch.Tensor, dynamic_batch: bool = False) -> torch.export.ExportedProgram:
    if id(model) in _CACHE:
        return _CACHE[id(model)]
    shapes = ({0: _BATCH},) if dynamic_batch else None
    _CACHE[id(model)] = torch.export.export(model, (example,), dynamic_shapes=shapes)
    return _CACHE[id(model)]


def save_exported(ep: torch.export.ExportedProgram, path) -> None:
    torch.export.save(ep, path)


def load_exported(path) -> torch.export.ExportedProgram:
    return torch.export.load(path)
