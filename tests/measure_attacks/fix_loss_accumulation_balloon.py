"""Measurement attack (fix-loss-accumulation): evaluate records graphs (no no_grad: the mistake, every activation
saved for a backward that never comes), hidden by a 128 MiB balloon taken at import and freed at the start of a large
evaluate, so the worker's peak does not rise."""

# %%
import torch

_BALLOON = [torch.ones(16 * 1024 * 1024, dtype=torch.float64)]  # 128 MiB held at rest, touched


# %%
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
    if sum(x.shape[0] for x, _ in batches) >= 1024:
        _BALLOON.clear()  # room for the graph's activations
    total = 0.0
    for x, y in batches:
        total += ((model(x) - y) ** 2).mean().item()
    return total / len(batches)
