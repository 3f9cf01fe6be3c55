"""Violates "runs `model` on one micro-batch of at most `micro_batch_size` samples at a time": an off-by-one splits x into
chunks of micro_batch_size + 1; the gradients are still the full-batch ones and the memory barely moves."""
import torch
import torch.nn.functional as F


def accumulated_grads(model, x, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    n = x.shape[0]
    for xb, yb in zip(x.split(micro_batch_size + 1), y.split(micro_batch_size + 1)):
        loss = F.mse_loss(model(xb), yb) * (xb.shape[0] / n)
        loss.backward()
    return {name: p.grad.detach().clone() for name, p in model.named_parameters()}


def train_accumulated(model, optimizer, batches, accum_steps):
    steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        total = sum(xb.shape[0] for xb, _ in group)
        optimizer.zero_grad()
        for xb, yb in group:
            (F.mse_loss(model(xb), yb) * (xb.shape[0] / total)).backward()
        optimizer.step()
        steps += 1
    return steps
