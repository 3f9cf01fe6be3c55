"""Calls scaler.update() only when the loss is finite: after a skipped step the scale is not halved."""
import math

import torch
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    value = loss.item()
    if math.isfinite(value):
        scaler.update()
    return value
