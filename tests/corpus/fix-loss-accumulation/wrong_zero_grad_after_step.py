"""Breaks "for each `(x, y)` in `batches`, zero the gradients, compute the loss, back-propagate and take one
`opt.step()`": zeroes after the step, so the first step includes whatever .grad held before."""
import torch


def train_epoch(model, opt, batches):
    out = []
    for x, y in batches:
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        out.append(float(loss))
    return out


def evaluate(model, batches):
    total, n = 0.0, 0
    with torch.inference_mode():
        for x, y in batches:
            total += float(((model(x) - y) ** 2).mean())
            n += 1
    return total / n
