"""Only the model runs under autocast (imported as ac); the loss is taken outside on the bfloat16 output, which
mse_loss promotes to float32 exactly as autocast's float32 list would; set_to_none zeroing through the model."""
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
