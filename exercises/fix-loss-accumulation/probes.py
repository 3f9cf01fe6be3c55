"""Trusted helpers for fix-loss-accumulation, run in the worker: watch what stays alive after training."""

import gc
import weakref

import torch
from torch import nn


def make(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1)).to(device=device, dtype=torch.float64)


def batches(seed, n_batches, device):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.randn(8, 3, generator=g, dtype=torch.float64).to(device),
             torch.randn(8, 1, generator=g, dtype=torch.float64).to(device)) for _ in range(n_batches)]


def reference_train(seed, n_batches, lr, device="cpu"):
    model = make(seed, device)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.5)
    losses = []
    for x, y in batches(seed, n_batches, device):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {"losses": losses, "params": [p.detach().clone() for p in model.parameters()]}


def run_train(mod, seed, n_batches, lr, device="cpu"):
    model = make(seed, device)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.5)
    alive = []
    model[1].register_forward_hook(lambda m, i, o: alive.append(weakref.ref(o)))
    result = mod.train_epoch(model, opt, batches(seed, n_batches, device))
    floats = isinstance(result, list) and all(type(v) is float for v in result)
    kept = [float(v) if isinstance(v, (int, float, torch.Tensor)) and not isinstance(v, bool) else None
            for v in result] if isinstance(result, list) else []
    gc.collect()
    return {"floats": floats, "losses": kept, "alive": sum(r() is not None for r in alive), "calls": len(alive),
            "params": [p.detach().clone() for p in model.parameters()]}


def run_evaluate(mod, seed, n_batches, device="cpu"):
    model = make(seed, device)
    data = batches(seed, n_batches, device)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    before = [p.detach().clone() for p in model.parameters()]
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(1) or t, lambda t: t):
        value = mod.evaluate(model, data)
    with torch.no_grad():
        want = sum(((model(x) - y) ** 2).mean().item() for x, y in data) / len(data)
    same = all(torch.equal(a, p.detach()) for a, p in zip(before, model.parameters()))
    grads_same = all(p.grad is not None and bool((p.grad == 0.5).all()) for p in model.parameters())
    return {"is_float": type(value) is float, "value": float(value) if isinstance(value, (float, int, torch.Tensor)) else None,
            "want": want, "saved": len(saved), "params_same": same, "grads_same": grads_same}
