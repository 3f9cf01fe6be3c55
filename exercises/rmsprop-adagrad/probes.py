"""Trusted helpers for rmsprop-adagrad, run in the worker: drive the learner's optimizers with given gradients."""

import torch


def _groups(params, groups):
    """Split the parameter list into param groups: groups is a list of (count, hyper-parameters)."""
    if groups is None:
        return params
    out, i = [], 0
    for count, hyper in groups:
        out.append({"params": params[i:i + count], **hyper})
        i += count
    return out


def trajectory(mod, cls, initial, grads, options, groups=None, resume_at=None):
    """Run steps of mod.<cls> with the given gradients; return the parameters after each step.

    A gradient of None leaves that parameter's .grad at None for the step. With
    resume_at=k, after k steps the optimizer's state_dict is loaded into a new
    optimizer over copies of the parameters, which takes the remaining steps.
    """
    make = getattr(mod, cls)
    params = [torch.nn.Parameter(p.clone()) for p in initial]
    opt = make(_groups(params, groups), **options)
    history = []
    for step, step_grads in enumerate(grads):
        if resume_at is not None and step == resume_at:
            saved = opt.state_dict()
            params = [torch.nn.Parameter(p.detach().clone()) for p in params]
            opt = make(_groups(params, groups), **options)
            opt.load_state_dict(saved)
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.clone()
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def closure_run(mod, cls, initial, targets, options, steps, under_no_grad):
    """Minimise sum((p - t)**2) with step(closure); return the losses step returned and the parameters."""
    params = [torch.nn.Parameter(p.clone()) for p in initial]
    opt = getattr(mod, cls)(params, **options)
    calls = []

    def closure():
        opt.zero_grad()
        loss = sum(((p - t) ** 2).sum() for p, t in zip(params, targets))
        loss.backward()
        calls.append(1)
        return loss

    losses = []
    for _ in range(steps):
        if under_no_grad:
            with torch.no_grad():
                loss = opt.step(closure)
        else:
            loss = opt.step(closure)
        losses.append(None if loss is None else loss.detach().clone())
    return {"losses": losses, "params": [p.detach().clone() for p in params], "calls": len(calls)}


def construct(mod, cls, **options):
    """Build the optimizer over one parameter; raises what the constructor raises."""
    getattr(mod, cls)([torch.nn.Parameter(torch.zeros(2))], **options)
    return "constructed"
