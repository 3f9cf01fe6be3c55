# %% [markdown]
# # Quiz: vanishing and exploding gradients, clipping and NaNs, per real PyTorch
#
# `quiz-gradient-stability` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Thirteen questions on vanishing and exploding gradients, gradient clipping and NaNs, answered per real PyTorch 2.13
# (the sample answer's remedies are mostly not remedies). Fill in the `ANSWERS` dict: a letter for multiple choice, True or
# False, or a number. Each item is graded on its own, and its explanation is shown once you get it right. The code
# exercises grad-clipping and vanishing-gradients let you measure the same things.
#
# 十三道题，关于梯度消失与梯度爆炸、梯度裁剪和 NaN，按真实的 PyTorch 2.13 作答（示例答案给出的办法大多算不上办法）。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。编程练习 grad-clipping 和 vanishing-gradients 让你亲手测量同样的现象。
#
# Check your work: `prep check quiz-gradient-stability`. Stuck? `prep hint quiz-gradient-stability`.
#
# 检查你的答案：`prep check quiz-gradient-stability`。卡住了？`prep hint quiz-gradient-stability`。

# %% [markdown]
# Answer each question in the `ANSWERS` dict below:
#
# * multiple choice: the letter, as a string (`"b"`);
# * true/false: `True` or `False`;
# * numeric: a number.
#
# The seed's answer to "what stability problems do dynamic graphs have" recommends Adam,
# L1/L2 regularisation and quasi-Newton methods. Check what they really do.
#
# **q1** (true/false). One `torch.optim.Adam` step (lr 1e-3, default eps) on a freshly initialised 20-layer sigmoid
# MLP (width 64) moves the first Linear's weights about as much as the last Linear's.
#
# **q2** (true/false). `torch.nn.utils.clip_grad_norm_` returns the total gradient norm computed *before* clipping.
#
# **q3** (multiple choice). Which one directly addresses exploding gradients in an RNN? a) L1 regularisation  b)
# clipping the gradient norm  c) a larger batch  d) more epochs
#
# **q4** (true/false). Adding an L2 penalty on the weights to the loss increases the gradient that the *data loss*
# sends back to the first layer.
#
# **q5** (numeric). What is the largest value of the sigmoid's derivative sigmoid'(x) over all x?
#
# **q6** (multiple choice). For a 20-layer sigmoid MLP (width 64, PyTorch's default init), the ratio of the first
# Linear's weight-gradient norm to the last Linear's is around a) 1  b) 1e-2  c) 1e-8  d) below 1e-12
#
# **q7** (true/false). `x = torch.tensor([-1., 4.], requires_grad=True)`, `y = torch.where(x > 0, torch.sqrt(x),
# torch.zeros_like(x))`, then `y.sum().backward()`. `x.grad[0]` is 0.
#
# **q8** (multiple choice). Which is *not* a remedy for vanishing gradients? a) residual connections  b) normalisation
# layers  c) Xavier / He initialisation  d) L1 regularisation
#
# **q9** (true/false). `clip_grad_norm_` keeps the direction of the overall gradient vector.
#
# **q10** (true/false). `clip_grad_value_` keeps the direction of the overall gradient vector.
#
# **q11** (multiple choice). In float32, what does `(torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))`
# give for `x = torch.tensor(100.)`? a) 1.0  b) inf  c) nan  d) an error
#
# **q12** (numeric). A parameter's gradient is [30, 40]. After `clip_grad_norm_([p], max_norm=5.0)`, what is the norm
# of `p.grad` (to 6 significant digits)?
#
# **q13** (multiple choice). Training with `torch.amp.GradScaler`, where does
# `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)` belong? a) after `scaler.unscale_(optimizer)`, before
# `scaler.step(optimizer)`  b) right after `scaler.scale(loss).backward()`, with no `unscale_` call  c) after
# `scaler.update()`  d) before `scaler.scale(loss).backward()`

# %%
ANSWERS = {
    "q1": None,
    "q2": None,
    "q3": None,
    "q4": None,
    "q5": None,
    "q6": None,
    "q7": None,
    "q8": None,
    "q9": None,
    "q10": None,
    "q11": None,
    "q12": None,
    "q13": None,
}
