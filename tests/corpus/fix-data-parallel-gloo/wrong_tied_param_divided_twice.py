"""average_gradients divides by the world size per (module, parameter) pair: a weight shared by two layers (weight
tying) is divided twice, so its gradient is not the mean over ranks (round 17)."""
import torch
import torch.distributed as dist
import torch.nn.functional as F


def average_gradients(model):
    world = dist.get_world_size()
    seen = set()
    for p in model.parameters():
        if p.grad is None:
            continue
        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
    for m in model.modules():
        for p in m.parameters(recurse=False):
            if p.grad is not None:
                p.grad /= world


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    average_gradients(model)
    opt.step()
    return loss.item()
