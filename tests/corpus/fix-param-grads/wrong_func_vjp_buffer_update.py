"""param_grads through torch.func (functional_call + vjp), with a no_grad probe forward and an autograd.grad pass to
find unused parameters: the layer's forward runs three times, and for a layer that updates buffers in place
(BatchNorm in training mode: num_batches_tracked.add_) torch.func refuses to mutate a captured tensor and raises.
Found as a "right" file in a blind round (rt18) and relabelled: "layer can be any module"."""

import torch
import torch.nn as nn
from torch.func import functional_call, vjp


def param_grads(layer, x, t):
    named = dict(layer.named_parameters())
    with torch.no_grad():
        probe = layer(x)
    if probe.shape != t.shape:
        raise ValueError("shape mismatch")
    train = {n: p for n, p in named.items() if p.requires_grad}
    frozen = {n: p for n, p in named.items() if not p.requires_grad}

    def loss_of(params):
        return nn.functional.mse_loss(functional_call(layer, {**params, **frozen}, (x,)), t)

    with torch.enable_grad():
        detached = {n: p.detach().requires_grad_() for n, p in train.items()}
        loss = loss_of(detached)
        used = torch.autograd.grad(loss, list(detached.values()), allow_unused=True, retain_graph=True) if detached else []
        _, pullback = vjp(loss_of, {n: p.detach() for n, p in train.items()})
        (g,) = pullback(torch.ones_like(loss))
    used = {n: u is not None for n, u in zip(detached, used)}
    out = {}
    for n, p in named.items():
        if n in train and used[n]:
            out[n] = g[n].clone()
            p.grad = g[n].clone()
        else:
            out[n] = None
            p.grad = None
    return out


def linear_mse_grads(x, W, b, t):
    e = x @ W.T + b - t
    g = 2 * e / e.numel()
    return g.T @ x, g.sum(0), g @ W
