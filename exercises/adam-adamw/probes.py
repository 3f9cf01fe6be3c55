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


class Retune:
    """A schedule for drive.optimizer_trajectory: after step k it writes ``changes[k]`` (a list, per param group, of
    the hyper-parameters to set, or None) into ``opt.param_groups``, as an LR scheduler or OneCycleLR's beta cycling
    does between steps."""

    def __init__(self, opt, changes):
        self.opt, self.changes, self.k = opt, changes, 0

    def step(self):
        if self.k < len(self.changes) and self.changes[self.k] is not None:
            for group, new in zip(self.opt.param_groups, self.changes[self.k]):
                for key, value in (new or {}).items():
                    group[key] = tuple(value) if key == "betas" else value
        self.k += 1


def retuned_trajectory(make, initial, grads, options, groups, changes):
    """The parameters after each step when the groups' hyper-parameters are changed between steps (see Retune)."""
    return drive.optimizer_trajectory(make, initial, grads, options, groups=groups,
                                      schedule=lambda opt: Retune(opt, changes))


def accumulating_trajectory(make, initial, grads, options):
    """The parameters after each step when .grad is never reset, as backward() without zero_grad() leaves it:
    ``grads[k][i]`` is added to parameter i's .grad before step k (set when .grad is None); None adds nothing, so
    that step reuses the .grad as it is."""
    params = [torch.nn.Parameter(p.detach().clone()) for p in initial]
    opt = make(params, **options)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            if g is None:
                continue
            if p.grad is None:
                p.grad = g.detach().clone()
            else:
                p.grad.add_(g)
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def retuned(mod, cls, initial, grads, options, groups, changes):
    """retuned_trajectory for mod.<cls>."""
    return retuned_trajectory(getattr(mod, cls), initial, grads, options, groups, changes)


def accumulating(mod, cls, initial, grads, options):
    """accumulating_trajectory for mod.<cls>."""
    return accumulating_trajectory(getattr(mod, cls), initial, grads, options)


def frozen_trajectory(make, initial, grads, options):
    """As drive.optimizer_trajectory, but the second parameter has requires_grad=False while its .grad is set by hand:
    torch's optimizers skip only a .grad of None, so it is updated like the others."""
    params = [torch.nn.Parameter(p.detach().clone(), requires_grad=(i != 1)) for i, p in enumerate(initial)]
    opt = make(params, **options)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.detach().clone()
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def frozen(mod, cls, initial, grads, options):
    return frozen_trajectory(getattr(mod, cls), initial, grads, options)
