"""Trusted helpers for rmsprop-adagrad, run in the worker: drive the learner's optimizers with the shared harnesses of
grader.drive, the very functions the graders run torch's optimizers through in the judge. They return raw results."""

import torch

from grader import drive


class GroupChanges:
    """Stepped after each optimizer step, like an LR scheduler: after step k it sets
    opt.param_groups[i][key] = value for every (k, i, key, value) in `changes`."""

    def __init__(self, opt, changes):
        self.opt, self.changes, self.done = opt, changes, 0

    def step(self):
        self.done += 1
        for k, i, key, value in self.changes:
            if k == self.done:
                self.opt.param_groups[i][key] = value


def trajectory(mod, cls, initial, grads, options, groups=None, resume_at=None, changes=None):
    """The parameters after each step of mod.<cls> fed the given gradients (see drive.optimizer_trajectory); with
    `changes`, group values are rewritten between steps (see GroupChanges)."""
    schedule = (lambda opt: GroupChanges(opt, changes)) if changes else None
    return drive.optimizer_trajectory(getattr(mod, cls), initial, grads, options, groups=groups, resume_at=resume_at,
                                      schedule=schedule)


def closure_run(mod, cls, initial, targets, options, under_no_grad):
    """What step(closure) returned and the parameters after each step (see drive.closure_trajectory)."""
    return drive.closure_trajectory(getattr(mod, cls), initial, targets, options, under_no_grad=under_no_grad)


def construct(mod, cls, **options):
    """Build the optimizer over one parameter; raises what the constructor raises."""
    getattr(mod, cls)([torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))], **options)
    return "constructed"


def steps_on_one_grad(make, initial, grads, options, steps):
    """`steps` calls of step() on one .grad set once (no zero_grad in between, as after accumulating gradients for a
    while): the parameters and each .grad after every step. `make` is the optimizer class (the learner's in the
    worker, torch's when the judge imports this file)."""
    params = [torch.nn.Parameter(t.detach().clone()) for t in initial]
    for p, g in zip(params, grads):
        p.grad = g.detach().clone()
    opt = make(params, **options)
    out = []
    for _ in range(steps):
        opt.step()
        out.append({"params": [p.detach().clone() for p in params],
                    "grads": [None if p.grad is None else p.grad.detach().clone() for p in params]})
    return out


def one_grad_run(mod, cls, initial, grads, options, steps):
    """steps_on_one_grad with the learner's optimizer class."""
    return steps_on_one_grad(getattr(mod, cls), initial, grads, options, steps)
