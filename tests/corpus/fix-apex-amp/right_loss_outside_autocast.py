"""Right (renamed from wrong_forward_only_autocast after grading): only the forward runs under autocast and the loss is taken outside on the float32-cast output; CPU autocast computes mse_loss in float32 anyway, so the values are identical (checked: same loss bit for bit)."""

"""Reference solution for fix-apex-amp (seeds 001-33, 001-16, 001-06, 001-20). The STUB is the seed's apex code."""

# %%
import torch
import torch.nn.functional as F


# %% [markdown]
# The seed turns on mixed precision with `model, optimizer = amp.initialize(model, optimizer, opt_level='O1')`:
# NVIDIA's apex, which is not installed (`NameError: name 'amp' is not defined`) and long replaced by PyTorch's
# native AMP:
#
# * `torch.autocast(device_type, dtype=...)` runs eligible ops (matmuls, Linear) in lower precision while the
#   parameters stay float32;
# * `torch.amp.GradScaler(device)` multiplies the loss by a scale factor before backward, so that small float16
#   gradients do not underflow, unscales them before the step, **skips the step** when a gradient is inf or NaN and
#   then halves the scale, and grows it again after a run of good steps.
#
# Write `amp_step(model, opt, scaler, x, y) -> float`: one training step on the loss `F.mse_loss(model(x), y)`, with the
# forward pass and the loss under `torch.autocast(device_type=x.device.type, dtype=torch.bfloat16)`, the backward through
# `scaler`, the step and the scale update through `scaler`; return the (unscaled) loss as a Python float. (On a GPU you would use
# float16, where the scaler matters most; on a CPU bfloat16 is what autocast supports, and the scaler works the same.)

# %%
def amp_step(model, opt, scaler, x, y):
    ### BEGIN SOLUTION
    opt.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        out = model(x)
    loss = F.mse_loss(out.float(), y)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    return loss.item()
    ### END SOLUTION
    ### BEGIN STUB
    # model, opt = amp.initialize(model, opt, opt_level="O1")
    # loss = F.mse_loss(model(x), y)
    # with amp.scale_loss(loss, opt) as scaled_loss:
    #     scaled_loss.backward()
    # opt.step()
    # return loss.item()
    ### END STUB
