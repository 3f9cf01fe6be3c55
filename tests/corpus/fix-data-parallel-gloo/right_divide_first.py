"""Scales each gradient by 1/world before a SUM all_reduce (the mean either way); the loss value read with float()."""
import torch.distributed as dist
from torch.nn import functional as F


def average_gradients(model):
    scale = 1.0 / dist.get_world_size()
    for param in model.parameters():
        if param.grad is None:
            continue
        param.grad.mul_(scale)
        dist.all_reduce(param.grad)


def train_step(model, opt, x, y):
    for param in model.parameters():
        param.grad = None
    loss = F.mse_loss(model(x), y)
    loss.backward()
    average_gradients(model)
    opt.step()
    return float(loss)
