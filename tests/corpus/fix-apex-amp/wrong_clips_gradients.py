"""Unscales and clips the gradient norm to 1 before stepping: a step the task does not ask for."""
import torch
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    scaler.step(opt)
    scaler.update()
    return loss.item()
