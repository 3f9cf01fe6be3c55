# %% [markdown]
# # Quiz: memory and speed in PyTorch: what frees memory, what only looks like it does
#
# `quiz-memory-performance` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Fifteen questions on memory and performance in PyTorch (saved tensors and views, checkpointing, gradient
# accumulation, optimizer state, the CUDA caching allocator, autocast and GradScaler, data loading and data parallelism),
# answered per real PyTorch 2.13. Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a
# number. Each item is graded on its own, with an explanation once right.
#
# 十五道题，关于 PyTorch 中的内存与性能（保存的张量与视图、checkpointing、梯度累积、优化器状态、CUDA 缓存分配器、autocast 与 GradScaler、数据加载与数据并行），按真实的 PyTorch 2.13 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示解释。
#
# Check your work: `prep check quiz-memory-performance`. Stuck? `prep hint quiz-memory-performance`.
#
# 检查你的答案：`prep check quiz-memory-performance`。卡住了？`prep hint quiz-memory-performance`。

# %% [markdown]
# Memory and performance: which tools change what.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (true/false). `torch.cuda.empty_cache()` frees the memory of tensors that are still referenced.
#
# **q2** (true/false). Gradient accumulation: 4 micro-batches of 8 samples, each with `(loss / 4).backward()` on its
# mean loss and a single `optimizer.step()` after the fourth, give (up to rounding) the same gradient as one batch of
# 32 with a mean loss.
#
# **q3** (true/false). With a `Dropout` inside a segment wrapped by `torch.utils.checkpoint.checkpoint(segment, x,
# use_reentrant=False)`, the recomputation during backward uses the same dropout mask as the original forward.
#
# **q4** (multiple choice). With `x = torch.randn(4, 6)`, which of these allocates new memory for its result? a)
# `x.view(-1)`  b) `x.t()`  c) `x[::2]`  d) `x.t().contiguous()`
#
# **q5** (numeric). How many bytes does autograd save for `nn.Linear(5, 3)(x)` with `x = torch.randn(10, 5)` (x not
# requiring grad)?
#
# **q6** (true/false). Accumulating `total_loss += loss` (the tensor) over iterations keeps every iteration's graph
# alive.
#
# **q7** (true/false). `torch.autocast('cpu', dtype=torch.bfloat16)` converts the model's parameters to bfloat16.
#
# **q8** (true/false). When the gradients contain inf or NaN, `GradScaler.step(optimizer)` skips the update and
# `update()` halves the scale.
#
# **q9** (true/false). With `DataLoader(dataset, num_workers=2)`, the dataset's `__getitem__` runs in two worker
# processes, not in the training process.
#
# **q10** (multiple choice). What lets host-to-GPU copies overlap with compute? a) `pin_memory=True` with `.to(device,
# non_blocking=True)`  b) `torch.cuda.empty_cache()`  c) `torch.no_grad()`  d) `model.eval()`
#
# **q11** (numeric). A model has 1,000,000 float32 parameters and is trained with `torch.optim.Adam`. After the first
# `step()`, how many bytes do the parameters, their gradients and Adam's `exp_avg` and `exp_avg_sq` take together
# (ignoring the `step` counters)?
#
# **q12** (true/false). On a CUDA device, `torch.cuda.memory_reserved()` is never less than
# `torch.cuda.memory_allocated()`: blocks freed by tensors stay reserved by PyTorch's caching allocator for reuse.
#
# **q13** (true/false). For multi-GPU training on a single machine, PyTorch's documentation recommends
# `DistributedDataParallel` over `nn.DataParallel`.
#
# **q14** (multiple choice). Which one saves no tensor for backward? a) `x + x`  b) `x * x`  c) `torch.tanh(x)`  d)
# `torch.sigmoid(x)`
#
# **q15** (multiple choice). What does activation checkpointing trade? a) accuracy for speed  b) recomputation in
# backward for less saved memory  c) memory for fewer parameters  d) nothing, it is free

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
    "q15": None,
}
