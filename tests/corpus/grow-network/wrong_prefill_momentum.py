"""VIOLATES "every other hyper-parameter ... default ... training continues exactly as with opt.add_param_group": for SGD it pre-creates zero momentum buffers for the new parameters; torch starts a buffer as the first gradient itself (no dampening), so with dampening != 0 the first steps of the new layer differ."""

from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    new_group = dict(params=[p for p in layer.parameters()])
    if lr is not None:
        new_group["lr"] = lr
    opt.add_param_group(new_group)
    import torch
    if isinstance(opt, torch.optim.SGD) and opt.param_groups[-1]['momentum']:
        for p in new_group['params']:
            opt.state[p]['momentum_buffer'] = torch.zeros_like(p)
