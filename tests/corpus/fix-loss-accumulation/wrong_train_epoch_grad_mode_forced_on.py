"""Wrong: train_epoch turns grad mode on with torch.set_grad_enabled(True) (so that backward works even when called
inside no_grad) and never puts it back: a caller's torch.no_grad() block no longer holds after the call (the README:
leave torch's process-wide settings as you found them). Called with grad mode on, nothing shows."""
import torch


def train_epoch(model, opt, batches):
    torch.set_grad_enabled(True)
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
    with torch.no_grad():
        for x, y in batches:
            total += ((model(x) - y) ** 2).mean().item()
            count += 1
    return total / count
