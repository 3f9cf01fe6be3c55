"""Returns the scaled loss (what was back-propagated) instead of the loss itself."""
import torch
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaled = scaler.scale(loss)
    scaled.backward()
    scaler.step(opt)
    scaler.update()
    return scaled.item()
