"""Trusted helpers for sgd-momentum, run in the worker: drive the learner's SGD with the shared harnesses of
grader.drive, the very functions the graders run torch.optim.SGD through in the judge. They return raw results.
The graders also run ``in_place_trajectory`` themselves, on torch's SGD, for the reference."""

import torch

from grader import drive


def trajectory(mod, initial, grads, options, groups=None, resume_at=None):
    """The parameters after each step of mod.SGD fed the given gradients (see drive.optimizer_trajectory)."""
    return drive.optimizer_trajectory(mod.SGD, initial, grads, options, groups=groups, resume_at=resume_at)


def in_place_trajectory(mod, initial, grads, options, zero_every=1):
    """Like trajectory, but each step's gradient is written into the same .grad tensor in place, as a loop with
    zero_grad(set_to_none=False) and backward() does. An optimizer that keeps .grad itself as its momentum buffer
    sees that buffer overwritten. With ``zero_every=k``, zero_grad is called only before every k-th step (counting
    from 0), so the gradients of the steps in between pile up in .grad, as in a loop that forgets zero_grad."""
    params = [torch.nn.Parameter(p.detach().clone()) for p in initial]
    opt = mod.SGD(params, **options)
    history = []
    for step, step_grads in enumerate(grads):
        if step % zero_every == 0:
            opt.zero_grad(set_to_none=False)
        for p, g in zip(params, step_grads):
            if p.grad is None:
                p.grad = torch.zeros_like(p)
            p.grad.add_(g)
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def retuned_trajectory(mod, initial, grads, options, groups=None, changes=(), resume_at=None, resume_options=None):
    """Like trajectory, but the hyper-parameters move during training, as a scheduler or a resumed run moves them:
    ``changes`` is a list of (step, group index, {hyper-parameter: value}) written into ``param_groups`` just before
    that step (counting from 0); with ``resume_at=k``, after k steps the state_dict is loaded into a new optimizer
    built with ``resume_options`` (other hyper-parameters: the loaded param_groups replace them, as in torch)."""
    params = [torch.nn.Parameter(p.detach().clone()) for p in initial]
    opt = mod.SGD(drive.split_groups(params, groups), **options)
    history = []
    for step, step_grads in enumerate(grads):
        if resume_at is not None and step == resume_at:
            saved = opt.state_dict()
            params = [torch.nn.Parameter(p.detach().clone()) for p in params]
            opt = mod.SGD(drive.split_groups(params, groups), **(options if resume_options is None else resume_options))
            opt.load_state_dict(saved)
        for when, index, hyper in changes:
            if when == step:
                opt.param_groups[index].update(hyper)
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.detach().clone()
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def closure_run(mod, initial, targets, options, under_no_grad):
    """What step(closure) returned and the parameters after each step (see drive.closure_trajectory)."""
    return drive.closure_trajectory(mod.SGD, initial, targets, options, under_no_grad=under_no_grad)


def construct(mod, **options):
    """Build the optimizer over one parameter; raises what the constructor raises."""
    mod.SGD([torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))], **options)
    return "constructed"
