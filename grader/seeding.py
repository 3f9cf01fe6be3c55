"""Seeding torch's generators, for the judge and the worker alike (neither imports the other)."""

from __future__ import annotations

import torch


def seed_generators(seed: int) -> None:
    """``torch.manual_seed(seed)`` for the devices prep runs on (cpu, cuda, mps). torch.manual_seed also queues a
    seeding for every accelerator that is not initialized yet, recording a formatted stack each time (~0.2 ms a
    call, and graders reset before each one), even for a CUDA or MPS that this machine does not have."""
    torch.default_generator.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        torch.mps.manual_seed(seed)
