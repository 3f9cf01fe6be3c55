"""'every parameter's .grad on every rank is the mean over all ranks': parameters whose local gradient is all zero are skipped to save bandwidth, so ranks disagree on the buffer's layout (or keep a zero instead of the mean) whenever one shard gives a zero gradient."""
import torch
import torch.distributed as tdist
from torch.nn import functional as Fn


def _with_grads(net):
    return [p for p in net.parameters() if p.grad is not None and bool(p.grad.any())]


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
