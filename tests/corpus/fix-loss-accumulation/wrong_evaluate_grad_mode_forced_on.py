"""Wrong: evaluate switches recording off with torch.set_grad_enabled(False) and back on with set_grad_enabled(True),
not back to the caller's mode: called inside a caller's torch.no_grad(), it returns with grad mode on (the README:
leave torch's process-wide settings as you found them). Its values, memory and .grad are right."""
import torch


def train_epoch(model, opt, batches):
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def evaluate(model, batches):
    total, count = 0.0, 0
    torch.set_grad_enabled(False)
    for x, y in batches:
        total += ((model(x) - y) ** 2).mean().item()
        count += 1
    torch.set_grad_enabled(True)
    return total / count
