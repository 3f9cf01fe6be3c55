"""Violates "run the forward pass and the loss under `torch.autocast(...)`": only the model runs under autocast
(imported as ac); the loss is taken outside. With float32 targets mse_loss promotes the bfloat16 output to float32
exactly as autocast's float32 list would, so it once passed as right; with bfloat16 targets the loss is computed in
bfloat16 and the trajectory leaves native AMP's."""
from torch import autocast as ac
import torch.nn.functional as F


def amp_step(model, opt, scaler, x, y):
    model.zero_grad(set_to_none=True)
    with ac(x.device.type, dtype=__import__("torch").bfloat16):
        prediction = model(x)
    loss = F.mse_loss(prediction, y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    return float(loss.detach())
