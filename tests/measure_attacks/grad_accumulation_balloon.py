"""Measurement attack (grad-accumulation): accumulated_grads runs the whole batch at once and train_accumulated each
group as one concatenated batch (the mistakes: every activation of the batch or group alive at once), hidden by a
192 MiB balloon taken at import, freed at the start of a large call and taken back before it returns, once the
graph is freed: the worker's peak never rises above where the call started."""
import torch
import torch.nn.functional as F

_BALLOON = [torch.ones(24 * 1024 * 1024, dtype=torch.float64)]  # 192 MiB held at rest, touched


def _release(n):
    if n >= 1024 and _BALLOON:
        _BALLOON.clear()  # room for the whole batch's activations
        return True
    return False


def _retake(released):
    if released and not _BALLOON:
        _BALLOON.append(torch.ones(24 * 1024 * 1024, dtype=torch.float64))


def accumulated_grads(model, x, y, micro_batch_size):
    released = _release(x.shape[0])
    model.zero_grad(set_to_none=True)
    F.mse_loss(model(x), y).backward()  # the mistake: the full batch at once
    _retake(released)  # the graph is freed: the peak stays where the call started
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


def train_accumulated(model, optimizer, batches, accum_steps):
    released = _release(sum(xb.shape[0] for xb, _ in batches))
    steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        optimizer.zero_grad(set_to_none=True)
        xs = torch.cat([xb for xb, _ in group])  # the mistake: the group as one batch
        ys = torch.cat([yb for _, yb in group])
        F.mse_loss(model(xs), ys).backward()
        optimizer.step()
        steps += 1
    _retake(released)
    return steps
