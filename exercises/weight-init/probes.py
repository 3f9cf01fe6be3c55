"""Trusted helpers for weight-init, run in the worker: call the learner's initialisers on parameters, build models."""

import torch


def init(mod, name, shape, seed, kwargs, dtype=torch.float64, device="cpu"):
    """Fill an nn.Parameter of the given shape with mod.<name>(param, generator=g, **kwargs)."""
    p = torch.nn.Parameter(torch.empty(shape, dtype=dtype, device=device))
    returned = getattr(mod, name)(p, generator=torch.Generator(device=device).manual_seed(seed), **kwargs)
    return {"values": p.detach().clone(), "same_tensor": returned is p}


def dead(mod, sizes, weights, x):
    """dead_relu_units on Linear/ReLU/.../Linear with the given layer sizes and weights."""
    layers = []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if k < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(x.device, x.dtype)
    model.load_state_dict(weights)
    return mod.dead_relu_units(model, x)
