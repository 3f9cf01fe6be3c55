# %% [markdown]
# # Replace the sample answer's apex AMP with autocast and GradScaler: bfloat16 forward, skipped overflow steps
#
# `fix-apex-amp` · fix-bug / 修复 bug · medium / 中等 · about 20 min / 约 20 分钟
#
# The stub is the sample answer's apex code. Replace it with native AMP: `amp_step(model, opt, scaler, x, y) -> float` takes one
# training step on `F.mse_loss(model(x), y)`: zero the gradients, run the forward pass and the loss under
# `torch.autocast(device_type=x.device.type, dtype=torch.bfloat16)`, back-propagate `scaler.scale(loss)`, step with
# `scaler.step(opt)` and call `scaler.update()`; return the (unscaled) loss as a Python float. `scaler` is a
# `torch.amp.GradScaler`. Parameters and gradients stay float32, and a step whose gradients contain inf or NaN must leave
# the parameters unchanged and halve the scale; training then goes on normally.
#
# 初始代码是示例答案的 apex 代码。把它换成原生 AMP：`amp_step(model, opt, scaler, x, y) -> float` 在 `F.mse_loss(model(x), y)` 上执行一步训练：把梯度清零，在 `torch.autocast(device_type=x.device.type, dtype=torch.bfloat16)` 下运行前向传播和损失计算，对 `scaler.scale(loss)` 做反向传播，用 `scaler.step(opt)` 更新参数并调用 `scaler.update()`；以 Python float 返回（未缩放的）损失。`scaler` 是一个 `torch.amp.GradScaler`。参数和梯度保持 float32；梯度中含有 inf 或 NaN 的那一步必须保持参数不变并把 scale 减半；之后训练照常进行。
#
# Check your work: `prep check fix-apex-amp`. Stuck? `prep hint fix-apex-amp`.
#
# 检查你的答案：`prep check fix-apex-amp`。卡住了？`prep hint fix-apex-amp`。

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
    model, opt = amp.initialize(model, opt, opt_level="O1")
    loss = F.mse_loss(model(x), y)
    with amp.scale_loss(loss, opt) as scaled_loss:
        scaled_loss.backward()
    opt.step()
    return loss.item()
