"""Trusted helpers for weight-init, run in the worker: call the learner's initialisers on parameters, build models.

They hand back what the learner's code produced; every reference (torch.nn.init, nn.Linear, the dead units) is
computed in the judge. torch.nn.init is switched off in the worker, so the models here are built from a Linear
whose reset_parameters does nothing (its weights are loaded right after)."""

import torch


class _Linear(torch.nn.Linear):
    def reset_parameters(self):  # nn.Linear's own initialisation calls torch.nn.init, which is banned here
        pass


def init(mod, name, shape, seed, kwargs, dtype=torch.float64, device="cpu", global_rng=False):
    """Fill an nn.Parameter of the given shape with mod.<name>(param, generator=g, **kwargs) (or, with
    global_rng, no generator after torch.manual_seed(seed)). Returns the parameter's values after the call, and
    its values after the returned object is doubled in place (the same values twice over if it is the parameter)."""
    p = torch.nn.Parameter(torch.full(shape, float("nan"), dtype=dtype, device=device))  # NaN where nothing is written
    if global_rng:
        torch.manual_seed(seed)
        returned = getattr(mod, name)(p, **kwargs)
    else:
        returned = getattr(mod, name)(p, generator=torch.Generator(device=device).manual_seed(seed), **kwargs)
    filled = p.detach().clone()
    with torch.no_grad():
        returned.mul_(2)
    return {"filled": filled, "after_doubling_returned": p.detach().clone()}


def dead(mod, sizes, weights, x, extra=None):
    """dead_relu_units on Linear / ReLU / ... / Linear with the given layer sizes and weights; `extra` names a layer
    ("identity" or "tanh") put after every ReLU, and "relu_last" ends the model with a ReLU."""
    layers = []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(_Linear(a, b))
        if k < len(sizes) - 2 or extra == "relu_last":
            layers.append(torch.nn.ReLU())
            if extra in ("identity", "tanh") and k < len(sizes) - 2:
                layers.append(torch.nn.Identity() if extra == "identity" else torch.nn.Tanh())
    model = torch.nn.Sequential(*layers).to(x.device, x.dtype)
    named = {}
    linear_index = [i for i, m in enumerate(model) if isinstance(m, torch.nn.Linear)]
    for k, i in enumerate(linear_index):
        named[f"{i}.weight"], named[f"{i}.bias"] = weights[f"{k}.weight"], weights[f"{k}.bias"]
    model.load_state_dict(named)
    return mod.dead_relu_units(model, x)
