"""Trusted helpers for adam-adamw, run in the worker: drive the learner's optimizers with the shared harnesses of
grader.drive, the very functions the graders run torch's optimizers through in the judge. They return raw results."""

import torch

from grader import drive


def trajectory(mod, cls, initial, grads, options, groups=None, resume_at=None):
    """The parameters after each step of mod.<cls> fed the given gradients (see drive.optimizer_trajectory)."""
    return drive.optimizer_trajectory(getattr(mod, cls), initial, grads, options, groups=groups, resume_at=resume_at)


def closure_run(mod, cls, initial, targets, options, under_no_grad):
    """What step(closure) returned and the parameters after each step (see drive.closure_trajectory)."""
    return drive.closure_trajectory(getattr(mod, cls), initial, targets, options, under_no_grad=under_no_grad)


def construct(mod, cls, **options):
    """Build the optimizer over one parameter; raises what the constructor raises."""
    getattr(mod, cls)([torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))], **options)
    return "constructed"
