"""Correct, written differently: F.mse_loss (the same mean of squares), set_to_none zeroing through the model,
float(loss) for the value, and evaluate as a sum of floats under a @torch.no_grad() helper, divided at the end."""

import torch
import torch.nn.functional as F


def train_epoch(model, opt, batches):
    out = []
    for inputs, targets in batches:
        model.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(inputs), targets)
        loss.backward()
        opt.step()
        out.append(float(loss))
    return out


@torch.no_grad()
def _batch_loss(model, x, y):
    return F.mse_loss(model(x), y).item()


def evaluate(model, batches):
    values = [_batch_loss(model, x, y) for x, y in batches]
    return sum(values) / len(values)
