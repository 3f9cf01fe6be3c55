"""Trusted helpers for gradient-hooks, run in the worker: the models, the batches, and trusted references
computed before the learner's hooks are attached."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(seed, frozen=False):
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    if frozen:
        m[0].bias.requires_grad_(False)
    return m


def _loss(model, x, y):
    return F.mse_loss(model(x), y)


def logging_run(mod, seed, batches, frozen=False, remove_after=None):
    """Backward once per batch without zero_grad; remove the learner's handles after `remove_after` batches."""
    model = mlp(seed, frozen).to(batches[0][0].device)
    want = []
    for x, y in batches:  # trusted: this batch's gradient of each parameter, computed alone
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        grads = torch.autograd.grad(_loss(model, x, y), [p for _, p in named])
        want.append({n: float(g.norm()) for (n, _), g in zip(named, grads)})
    log, handles = mod.log_grad_norms(model)
    for i, (x, y) in enumerate(batches):
        if remove_after is not None and i == remove_after:
            for h in handles:
                h.remove()
        _loss(model, x, y).backward()
    return {"log": {k: list(v) for k, v in log.items()} if isinstance(log, dict) else repr(type(log)),
            "want": want, "handles": len(handles) if isinstance(handles, (list, tuple)) else -1}


def clamp_run(mod, x, w, bound, remove=False):
    """x -> t = x * w -> loss = (t ** 3).sum(); the learner clamps the gradient at t. Returns x.grad."""
    x = x.detach().requires_grad_(True)
    t = x * w
    handle = mod.clamp_grad(t, bound)
    if remove:
        handle.remove()
    (t ** 3).sum().backward()
    return x.grad


def scale_run(mod, seed, x, y, factor):
    """Scale the gradient the second Linear passes back; return x.grad and every parameter's grad."""
    model = mlp(seed).to(x.device)
    x = x.detach().requires_grad_(True)
    handle = mod.scale_grad_to_inputs(model[2], factor)
    _loss(model, x, y).backward()
    out = {"x": x.grad, **{n: p.grad for n, p in model.named_parameters()}}
    handle.remove()
    return out


def scale_reference(seed, x, y, factor):
    """Trusted: the same, with the scaling done by hand at the second Linear's input (runs in the judge too)."""
    model = mlp(seed).to(x.device)
    x = x.detach().requires_grad_(True)
    h = model[1](model[0](x))
    h.register_hook(lambda g: g * factor)
    F.mse_loss(model[2](h), y).backward()
    return {"x": x.grad, **{n: p.grad for n, p in model.named_parameters()}}
