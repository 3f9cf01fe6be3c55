"""Right: all_reduce with ReduceOp.AVG (gloo supports AVG in torch 2.13): the mean in one collective, no division."""
import torch
import torch.distributed as dist
import torch.nn.functional as F


def average_gradients(model):
    world = dist.get_world_size()
    for p in model.parameters():
        if p.grad is None:
            continue
        dist.all_reduce(p.grad, op=dist.ReduceOp.AVG)


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    average_gradients(model)
    opt.step()
    return loss.item()
