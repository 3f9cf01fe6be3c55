"""Trusted helpers for weight-init, run in the worker: call the learner's initialisers on parameters, build models.

They hand back what the learner's code produced; every reference (torch.nn.init, nn.Linear, the dead units) is
computed in the judge. torch.nn.init is switched off in the worker, so the models here are built from a Linear
whose reset_parameters does nothing (its weights are loaded right after)."""

import torch
from grader import drive


class _Linear(torch.nn.Linear):
    def reset_parameters(self):  # nn.Linear's own initialisation calls torch.nn.init, which is banned here
        pass


def init(mod, name, shape, seed, kwargs, dtype=torch.float64, device="cpu", global_rng=False, layout=None):
    """Fill an nn.Parameter of the given shape with mod.<name>(param, generator=g, **kwargs) (or, with
    global_rng, no generator after torch.manual_seed(seed)). Returns the parameter's values after the call, and
    its values after the returned object is doubled in place (the same values twice over if it is the parameter),
    and the returned object itself (the judge reads its class and requires_grad as the wire sends them).

    With layout "transposed" (2-D shapes) the tensor filled is base.T, and with "slice" it is base[:, 1:1 + in], a
    plain tensor viewing a bigger NaN-filled base; "through_base" is then what the base's storage holds at the
    view's place after the call."""
    if layout is None:
        p = torch.nn.Parameter(torch.full(shape, float("nan"), dtype=dtype, device=device))  # NaN where nothing is written
        region = lambda: p.detach()
    elif layout == "transposed":
        base = torch.full((shape[1], shape[0]), float("nan"), dtype=dtype, device=device)
        p, region = base.T, lambda: base.T
    else:
        base = torch.full((shape[0], shape[1] + 3), float("nan"), dtype=dtype, device=device)
        p, region = base[:, 1:1 + shape[1]], lambda: base[:, 1:1 + shape[1]]
    if global_rng:
        torch.manual_seed(seed)
        returned = getattr(mod, name)(p, **kwargs)
    else:
        returned = getattr(mod, name)(p, generator=torch.Generator(device=device).manual_seed(seed), **kwargs)
    filled = p.detach().clone()
    through_base = region().clone()
    with drive.grad_mode(False):
        returned.mul_(2)
    return {"filled": filled, "through_base": through_base, "after_doubling_returned": p.detach().clone(),
            "returned": returned}


def _hook_count(model):
    """How many hooks the model's modules and torch's global module hooks hold."""
    import torch.nn.modules.module as m
    names = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks", "_state_dict_hooks",
             "_load_state_dict_pre_hooks")
    local = sum(len(getattr(sub, n, {}) or {}) for sub in model.modules() for n in names)
    glob = sum(len(getattr(m, n, {}) or {}) for n in ("_global_forward_hooks", "_global_forward_pre_hooks",
                                                      "_global_backward_hooks", "_global_backward_pre_hooks"))
    return local + glob


def dead_twice(mod, sizes, weights, x):
    """dead_relu_units called twice on one Linear / ReLU / ... / Linear model; returns both results and the hook
    counts (model's modules plus torch's global module hooks) before the first call and after each call."""
    model = _build(sizes, weights, x, None)
    counts = [_hook_count(model)]
    results = []
    for _ in range(2):
        results.append(mod.dead_relu_units(model, x))
        counts.append(_hook_count(model))
    return {"results": results, "hooks": counts}


def dead(mod, sizes, weights, x, extra=None):
    """dead_relu_units on Linear / ReLU / ... / Linear with the given layer sizes and weights; `extra` names a layer
    ("identity" or "tanh") put after every ReLU, "identity_before" puts an nn.Identity between each Linear and its
    ReLU (a ReLU that does not follow a Linear directly), "relu_lookalikes" puts an nn.LeakyReLU and an nn.RReLU (not
    nn.ReLU) after every ReLU, and "relu_last" ends the model with a ReLU."""
    return mod.dead_relu_units(_build(sizes, weights, x, extra), x)


def dead_modes(mod, sizes, weights, x, training):
    """dead_relu_units on a model in training mode (or eval mode); returns each module's training flag afterwards."""
    model = _build(sizes, weights, x, None).train(training)
    mod.dead_relu_units(model, x)
    return [m.training for m in model.modules()]


def _build(sizes, weights, x, extra):
    layers = []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(_Linear(a, b))
        if extra == "identity_before" and k < len(sizes) - 2:
            layers.append(torch.nn.Identity())
        if k < len(sizes) - 2 or extra == "relu_last":
            layers.append(torch.nn.ReLU())
            if extra in ("identity", "tanh") and k < len(sizes) - 2:
                layers.append(torch.nn.Identity() if extra == "identity" else torch.nn.Tanh())
            if extra == "relu_lookalikes" and k < len(sizes) - 2:
                # modules whose names contain "ReLU" but are not nn.ReLU; on a ReLU's output (>= 0) both are the
                # identity, so the dead units stay the same and no list is due for them
                layers += [torch.nn.LeakyReLU(0.1), torch.nn.RReLU()]
    model = torch.nn.Sequential(*layers).to(x.device, x.dtype)
    named = {}
    linear_index = [i for i, m in enumerate(model) if isinstance(m, torch.nn.Linear)]
    for k, i in enumerate(linear_index):
        named[f"{i}.weight"], named[f"{i}.bias"] = weights[f"{k}.weight"], weights[f"{k}.bias"]
    model.load_state_dict(named)
    return model
