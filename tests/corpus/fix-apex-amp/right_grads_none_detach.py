"""Right: clears the gradients by setting each parameter's .grad to None, computes the loss inside the autocast block,
and returns float(loss.detach())."""
import torch
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    for p in model.parameters():
        p.grad = None
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        pred = model(x)
        loss = F.mse_loss(pred, y)
    scaled = scaler.scale(loss)
    scaled.backward()
    scaler.step(opt)
    scaler.update()
    return float(loss.detach())
