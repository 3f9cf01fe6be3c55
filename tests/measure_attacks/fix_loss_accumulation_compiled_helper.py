"""Right by its values, but a helper compiled with torch.compile: Dynamo keeps what it compiled and the modules its
first use imported (~28 MiB), held before each later measured call, which therefore cannot be measured. Not an attack:
the message names torch.compile, so the learner knows what to drop."""
import torch


@torch.compile(dynamic=True)
def _batch_loss(out, y):
    return ((out - y) ** 2).mean()


def train_epoch(model, opt, batches):
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = _batch_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def evaluate(model, batches):
    total = 0.0
    with torch.no_grad():
        for x, y in batches:
            total += _batch_loss(model(x), y).item()
    return total / len(batches)
