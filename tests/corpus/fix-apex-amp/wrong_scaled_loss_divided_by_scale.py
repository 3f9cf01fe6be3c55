"""Angle: (written as a right file; relabelled after grading) returns scaled_loss.item() / scale. Exact while
the scaled loss fits in float32, but with a huge scale (2**120) and a large loss the scaled loss overflows to inf and
inf / scale is inf. Breaks: "return the (unscaled) loss as a Python float". Mislabelled by me, caught by the grader.
"""
import torch
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaled = scaler.scale(loss)
    scaled.backward()
    value = scaled.item() / scaler.get_scale()
    scaler.step(opt)
    scaler.update()
    return value
