# %% [markdown]
# # Quiz: graph capture in PyTorch 2.x: torch.compile's graph breaks and guards, torch.export, TorchScript
#
# `quiz-compile-and-export` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Fourteen questions on graph capture in PyTorch 2.x (torch.compile's graph breaks, guards and recompiles, torch.export,
# the deprecated TorchScript), answered per real PyTorch 2.13. Fill in the `ANSWERS` dict: a letter for multiple choice,
# True or False, or a number. Each item is graded on its own, with an explanation once right.
#
# 十四道题，关于 PyTorch 2.x 中的计算图捕获（torch.compile 的 graph break、guard 与重新编译，torch.export，已弃用的 TorchScript），按真实的 PyTorch 2.13 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示解释。
#
# Check your work: `prep check quiz-compile-and-export`. Stuck? `prep hint quiz-compile-and-export`.
#
# 检查你的答案：`prep check quiz-compile-and-export`。卡住了？`prep hint quiz-compile-and-export`。

# %% [markdown]
# Graph capture today: torch.compile, torch.export, TorchScript, and the seeds' invented APIs.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). `Gate.forward(x)` returns `x * 2` if `x.sum() > 0` else `x - 10`, with a Python `if`. What
# does `torch.export.export(Gate(), (torch.ones(3),))` do on torch 2.13? a) exports both branches  b) raises an error:
# export cannot branch on a tensor's value (rewrite the `if` with `torch.cond`)  c) exports with a graph break around
# the `if`  d) exports only the `x * 2` branch, silently
#
# **q2** (true/false). With default settings, a `print()` in the middle of a `torch.compile`d function causes a graph
# break.
#
# **q3** (true/false). Compiling `lambda x: (x * 2).sin().sum()` with default settings and calling it on sizes 4, 5, 6
# and 7 compiles four times.
#
# **q4** (multiple choice). `f(x)` returns `torch.relu(x) if USE_RELU else torch.tanh(x)`, where `USE_RELU` is a
# module-level Python bool. `cf = torch.compile(f)` has run once with `USE_RELU = True`; then `USE_RELU` is set to
# False and `cf(x)` is called again. What happens? a) the compiled code still applies relu  b) a guard on `USE_RELU`
# fails, Dynamo recompiles and tanh is applied  c) an error: globals cannot change after compilation  d) it falls back
# to eager for good
#
# **q5** (multiple choice). What fuses element-wise operations into one kernel in PyTorch 2.x? a) autograd  b)
# `torch.compile` with the Inductor backend  c) `torch.cuda.empty_cache()`  d) `torch.no_grad()`
#
# **q6** (true/false). `torch.compile(fn, fullgraph=True)` raises at the first graph break (for example a `print()` in
# `fn`) instead of splitting `fn` into several graphs.
#
# **q7** (true/false). `torch.compile(model)` returns at once; the graph is captured and compiled at the first call,
# which is why the first iteration is slow.
#
# **q8** (true/false). Called from plain eager Python (not inside TorchScript), `torch.jit.fork(fn, x)` runs `fn` in
# parallel with the caller.
#
# **q9** (true/false). `torch.fx.symbolic_trace` can trace a Python `if` on a tensor's value.
#
# **q10** (true/false). A custom operator defined with `torch.library.custom_op` and given a fake implementation
# (`register_fake`) can be called inside a `torch.compile(fullgraph=True)` function without a graph break.
#
# **q11** (multiple choice). Which one is common-subexpression elimination? a) merging two nodes that apply the same
# op to the same inputs  b) removing nodes whose results are unused  c) evaluating ops on constants ahead of time  d)
# fusing element-wise kernels
#
# **q12** (true/false). A program from `torch.export.export(nn.Linear(3, 2), (torch.randn(2, 3),))`, exported without
# `dynamic_shapes`, accepts a batch of 5.
#
# **q13** (numeric). `CondGate.forward(x)` returns `torch.cond(x.sum() > 0, lambda x: x * 2, lambda x: x - 10, (x,))`,
# and `ep = torch.export.export(CondGate(), (torch.ones(3),))`. What is the first element of
# `ep.module()(-torch.ones(3))`?
#
# **q14** (true/false). The keys of `torch.compile(model).state_dict()` are the same as those of `model.state_dict()`.

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
    "q14": None,
}
