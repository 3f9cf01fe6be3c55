"""Right (blind round 7, first written as a mistake): micro-batches from x.chunk(ceil(B / micro_batch_size)), whose
pieces differ from x.split(micro_batch_size)'s but never hold more than micro_batch_size samples, which is what the task
asks; the gradient and the steps are the same, and the memory peak is no higher."""
import torch
import torch.nn.functional as F


def accumulated_grads(model, x, y, micro_batch_size):
    for p in model.parameters():
        p.grad = None
    total = y.numel()
    k = -(-len(x) // micro_batch_size)
    for xc, yc in zip(x.chunk(k), y.chunk(k)):
        loss = F.mse_loss(model(xc), yc, reduction="sum") / total
        loss.backward()
    out = {}
    for name, p in model.named_parameters():
        if p.grad is None:
            p.grad = torch.zeros_like(p)
        out[name] = p.grad.detach().clone()
    return out


def train_accumulated(model, optimizer, batches, accum_steps):
    steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        optimizer.zero_grad()
        total = sum(yb.numel() for _, yb in group)
        for xb, yb in group:
            (F.mse_loss(model(xb), yb, reduction="sum") / total).backward()
        optimizer.step()
        steps += 1
    return steps
