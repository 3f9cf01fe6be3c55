"""State across calls: the list of parameters that have gradients is computed on the first call (per model id) and
reused ("saves a scan"). A parameter whose .grad appears later is never averaged (and one that becomes None would
crash). Breaks "afterwards every parameter's .grad on every rank is the mean".
"""
import torch
import torch.distributed as dist
import torch.nn.functional as F

_WITH_GRAD = {}

def average_gradients(model):
    world = dist.get_world_size()
    key = id(model)
    if key not in _WITH_GRAD:
        _WITH_GRAD[key] = [i for i, p in enumerate(model.parameters()) if p.grad is not None]
    params = list(model.parameters())
    for i in _WITH_GRAD[key]:
        dist.all_reduce(params[i].grad, op=dist.ReduceOp.SUM)
        params[i].grad /= world


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    average_gradients(model)
    opt.step()
    return loss.item()
