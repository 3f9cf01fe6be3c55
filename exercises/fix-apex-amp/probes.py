"""Helpers for fix-apex-amp. In the worker they only drive the learner's amp_step (build the model, optimizer and
scaler, feed batches) and record what it leaves after every step: its return value, the parameters, the gradients and
the scaler's scale. The judge loads this file too (load_sibling) and runs native AMP itself on the same seeds."""

import torch
import torch.nn.functional as F
from torch import nn


def make(seed, device="cpu", init_scale=2.0 ** 12):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 2)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = torch.amp.GradScaler(torch.device(device).type, init_scale=init_scale, growth_interval=2)
    return model, opt, scaler


def data(seed, steps, device="cpu", target_dtype=None):
    g = torch.Generator().manual_seed(seed + 1)
    dtype = getattr(torch, target_dtype) if target_dtype else torch.float32
    return [(torch.randn(16, 6, generator=g).to(device), torch.randn(16, 2, generator=g).to(device, dtype))
            for _ in range(steps)]


def batches(seed, steps, bad_step=None, bad_value=None, device="cpu", target_dtype=None):
    """The batches, with one target entry set to bad_value at bad_step: inf or nan (that step's loss and gradients are
    not finite), or a large finite value such as 1e6 (the loss stays finite; with a large scale the scaled gradients
    overflow); the targets in target_dtype ("bfloat16") if given, else float32."""
    out = data(seed, steps, device, target_dtype)
    if bad_step is not None:
        x, y = out[bad_step]
        y = y.clone()
        y[0, 0] = float(bad_value)
        out[bad_step] = (x, y)
    return out


def _record(model, scaler, value):
    return {"loss": value, "params": [p.detach().clone() for p in model.parameters()],
            "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
            "scale": scaler.get_scale()}


def reference_native_step(model, opt, scaler, x, y):
    """torch's own recipe, for the judge's reference."""
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    return loss.item()


def reference(seed, steps, bad_step=None, bad_value=None, device="cpu", target_dtype=None, init_scale=2.0 ** 12):
    """The judge's trajectory: native AMP, one intra-op thread like the worker."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model, opt, scaler = make(seed, device, init_scale)
        return [_record(model, scaler, reference_native_step(model, opt, scaler, x, y))
                for x, y in batches(seed, steps, bad_step, bad_value, device, target_dtype)]
    finally:
        torch.set_num_threads(threads)


def run(mod, seed, steps, bad_step=None, bad_value=None, device="cpu", target_dtype=None, init_scale=2.0 ** 12):
    """The learner's amp_step on the same batches; what it returned and left behind after every step. autocast's
    default dtype is set to float16 meanwhile (as on a GPU): the task asks for bfloat16 explicitly."""
    model, opt, scaler = make(seed, device, init_scale)
    device_type = torch.device(device).type
    default = torch.get_autocast_dtype(device_type)
    torch.set_autocast_dtype(device_type, torch.float16)
    try:
        return [_record(model, scaler, mod.amp_step(model, opt, scaler, x, y))
                for x, y in batches(seed, steps, bad_step, bad_value, device, target_dtype)]
    finally:
        torch.set_autocast_dtype(device_type, default)
