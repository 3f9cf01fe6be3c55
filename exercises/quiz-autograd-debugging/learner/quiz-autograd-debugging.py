# %% [markdown]
# # Quiz: debugging autograd with the tools PyTorch really has
#
# `quiz-autograd-debugging` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Ten questions on finding autograd problems with the tools PyTorch provides, answered per real PyTorch 2.13. Fill in the
# `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is graded on its own, with an
# explanation once right.
#
# 十道题，关于用 PyTorch 提供的工具查找 autograd 问题，按真实的 PyTorch 2.13 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示解释。
#
# Check your work: `prep check quiz-autograd-debugging`. Stuck? `prep hint quiz-autograd-debugging`.
#
# 检查你的答案：`prep check quiz-autograd-debugging`。卡住了？`prep hint quiz-autograd-debugging`。

# %% [markdown]
# Debugging autograd: the real tools and the real causes.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). A helper computes `loss = criterion(model(x), y)` inside `with torch.no_grad():`, and the
# training loop then calls `loss.backward()`. What happens? a) RuntimeError: element 0 of tensors does not require
# grad and does not have a grad_fn  b) the gradients are computed as usual  c) every parameter gets a zero gradient
# d) backward silently does nothing
#
# **q2** (multiple choice). Which one names the backward operation that produced a NaN? a) TensorBoard  b)
# `torch.autograd.detect_anomaly()`  c) `print(loss)`  d) `torch.cuda.empty_cache()`
#
# **q3** (true/false). `detect_anomaly` raises as soon as a forward operation produces NaN, even when the backward
# values are finite.
#
# **q4** (numeric). `x = torch.ones(2, requires_grad=True)`, `h = x * 3`, `h.register_hook(lambda g: g * 10)`, then
# `h.sum().backward()`. What is `x.grad[0]`?
#
# **q5** (true/false). A hook added with `register_forward_hook` stays active until its handle's `.remove()` is
# called.
#
# **q6** (true/false). `t.numpy()` on a tensor that requires grad raises an error.
#
# **q7** (multiple choice). With default arguments on torch 2.13, what does `optimizer.zero_grad()` leave in each
# parameter's `.grad`? a) a tensor of zeros  b) None  c) the previous gradient, to be overwritten by the next backward
# d) NaN
#
# **q8** (true/false). `nn.BatchNorm1d(3)` in training mode raises an error on an input of shape (1, 3).
#
# **q9** (true/false). `torch.autograd.grad(loss, [w])` adds the gradient into `w.grad`, as `loss.backward()` does.
#
# **q10** (true/false). Calling the same `nn.Dropout(0.5)` module twice in training mode on `torch.ones(1000)`, with
# no reseeding in between, gives the same output both times.

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
}
