"""Trusted helpers for fix-apex-amp, run in the worker: a few AMP steps, then one that overflows."""

import torch
import torch.nn.functional as F
from torch import nn


def make(seed, device):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 2)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = torch.amp.GradScaler(torch.device(device).type, init_scale=2.0 ** 12, growth_interval=2)
    return model, opt, scaler


def data(seed, steps, device):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.randn(16, 6, generator=g).to(device), torch.randn(16, 2, generator=g).to(device)) for _ in range(steps)]


def reference(seed, steps, device):
    model, opt, scaler = make(seed, device)
    losses = []
    for x, y in data(seed, steps, device):
        opt.zero_grad()
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    return {"losses": losses, "params": [p.detach().clone() for p in model.parameters()], "scale": scaler.get_scale()}


def run(mod, seed, steps, device="cpu"):
    model, opt, scaler = make(seed, device)
    dtypes = []
    model[0].register_forward_hook(lambda m, i, o: dtypes.append(str(o.dtype)))
    losses = []
    for x, y in data(seed, steps, device):
        value = mod.amp_step(model, opt, scaler, x, y)
        losses.append(value if type(value) is float else repr(value))
    return {"losses": losses, "params": [p.detach().clone() for p in model.parameters()],
            "param_dtypes": sorted({str(p.dtype) for p in model.parameters()}),
            "grad_dtypes": sorted({str(p.grad.dtype) for p in model.parameters() if p.grad is not None}),
            "linear_dtypes": sorted(set(dtypes)), "scale": scaler.get_scale()}


def overflow(mod, seed, device="cpu"):
    """Two good steps, then one whose loss is inf: the step must be skipped and the scale halved."""
    model, opt, scaler = make(seed, device)
    batches = data(seed, 2, device)
    for x, y in batches:
        mod.amp_step(model, opt, scaler, x, y)
    before = [p.detach().clone() for p in model.parameters()]
    scale_before = scaler.get_scale()
    x, y = batches[0]
    y = y.clone()
    y[0, 0] = float("inf")
    mod.amp_step(model, opt, scaler, x, y)
    unchanged = all(torch.equal(a, p.detach()) for a, p in zip(before, model.parameters()))
    x, y = batches[1]
    mod.amp_step(model, opt, scaler, x, y)  # training goes on after the skipped step
    finite = all(bool(torch.isfinite(p).all()) for p in model.parameters())
    return {"unchanged": unchanged, "scale_before": scale_before, "scale_after": scaler.get_scale(), "finite": finite}
