"""'average_gradients(model): afterwards every parameter's .grad ... is the mean': the parameter list is cached on the first call, so a later model (or a parameter whose grad was None at first) is averaged with the first model's parameters."""
import torch
import torch.distributed as tdist
from torch.nn import functional as Fn


_CACHE = []


def _with_grads(net):
    if not _CACHE:
        _CACHE.extend(p for p in net.parameters() if p.grad is not None)
    return _CACHE


def average_gradients(model):
    world = tdist.get_world_size()
    params = _with_grads(model)
    if not params:
        return
    flat = torch.cat([p.grad.reshape(-1) for p in params])
    tdist.all_reduce(flat, op=tdist.ReduceOp.SUM)
    flat /= world
    offset = 0
    for p in params:
        n = p.grad.numel()
        p.grad.copy_(flat[offset:offset + n].view_as(p.grad))
        offset += n


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = Fn.mse_loss(model(x), y)
    loss.backward()
    average_gradients(model)
    opt.step()
    return loss.item()
