# %% [markdown]
# # Quiz: the real limitations and challenges of eager PyTorch, and the sample answers' wrong ones
#
# `quiz-dynamic-graph-limits` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Eleven questions on the real costs and challenges of eager PyTorch, and on the sample answers' claims about them, answered per
# real PyTorch 2.x. Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is
# graded on its own, and its explanation is shown once you get it right.
#
# 十一道题，关于 eager 模式 PyTorch 的真实代价与挑战，以及示例答案对它们的说法，按真实的 PyTorch 2.x 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-dynamic-graph-limits`. Stuck? `prep hint quiz-dynamic-graph-limits`.
#
# 检查你的答案：`prep check quiz-dynamic-graph-limits`。卡住了？`prep hint quiz-dynamic-graph-limits`。

# %% [markdown]
# Limitations and challenges of dynamic graphs: which are real, which are myths.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). A hand-written SGD step does `w -= lr * w.grad` on a leaf `w` that requires grad, outside
# `torch.no_grad()`. What happens? a) w is updated and stays a leaf  b) RuntimeError: a leaf Variable that requires
# grad is being used in an in-place operation  c) w is updated and silently detached  d) the update is applied at the
# next backward
#
# **q2** (true/false). `torch.tensor(1e-8, dtype=torch.bfloat16)` is exactly zero.
#
# **q3** (true/false). Eager autograd merges identical sub-expressions: `x.exp() + x.exp()` records a single
# ExpBackward0 node.
#
# **q4** (multiple choice). What does `torch.autograd.gradcheck(fn, inputs)` compare? a) the gradients from fn's
# backward with finite-difference estimates from its forward  b) the gradients of two training runs  c) each
# gradient's norm with a threshold, to stop exploding gradients  d) float32 gradients with float16 ones
#
# **q5** (multiple choice). In which dtype should `gradcheck` run? a) float16  b) bfloat16  c) float32  d) float64
#
# **q6** (multiple choice). What takes most of autograd's memory in a training forward pass? a) the graph's node
# objects  b) the tensors saved for backward (activations)  c) Python stack frames  d) the gradients of the loss
#
# **q7** (true/false). `torch.tensor(1e-8, dtype=torch.float16)` is exactly zero.
#
# **q8** (multiple choice). Which one cuts the autograd graph? a) `x * 2`  b) `torch.tensor(x.item())`  c)
# `x.view(-1)`  d) `torch.cat([x, x])`
#
# **q9** (true/false). `y = torch.sigmoid(x)` (x a leaf that requires grad), then `y.mul_(2)` and
# `y.sum().backward()`: backward raises an error.
#
# **q10** (true/false). On a CUDA device, calling `loss.item()` every iteration makes the CPU wait, each time, until
# the GPU has finished the kernels queued before it on that stream.
#
# **q11** (true/false). `y = x * 2` (x a leaf that requires grad), then `y.add_(1)` and `y.sum().backward()`: backward
# raises an error, because in-place ops are not allowed on tensors that are part of the graph.

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
}
