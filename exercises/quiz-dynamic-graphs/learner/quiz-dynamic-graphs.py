# %% [markdown]
# # Quiz: dynamic versus static computation graphs, per real PyTorch
#
# `quiz-dynamic-graphs` · quiz / 测验 · easy / 简单 · about 10 min / 约 10 分钟
#
# Twelve questions on define-by-run graphs against static ones, answered per real PyTorch 2.x (several sample answers are
# wrong or out of date). Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item
# is graded on its own, and its explanation is shown once you get it right.
#
# 十二道题，关于 define-by-run（运行即定义）计算图与静态计算图的对比，按真实的 PyTorch 2.x 作答（有几个示例答案是错的或已过时）。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-dynamic-graphs`. Stuck? `prep hint quiz-dynamic-graphs`.
#
# 检查你的答案：`prep check quiz-dynamic-graphs`。卡住了？`prep hint quiz-dynamic-graphs`。

# %% [markdown]
# Answer each question in the `ANSWERS` dict below:
#
# * multiple choice: the letter, as a string (`"b"`);
# * true/false: `True` or `False`;
# * numeric: a number.
#
# **q1** (multiple choice). What does `torch.tensor([1., 2., 3.]) * torch.tensor([4., 5., 6.])` evaluate to? a) `[16.,
# 25., 36.]`  b) `[4., 10., 18.]`  c) `32.`  d) an error
#
# **q2** (true/false). In eager PyTorch the autograd graph is recorded anew on every forward pass, as the operations
# run.
#
# **q3** (true/false). Calling `.backward()` with no argument on a tensor with three elements raises an error.
#
# **q4** (numeric). With `x = torch.tensor([1., 2., 3.], requires_grad=True)`, `y = torch.tensor([4., 5., 6.])` and
# `(x * y).sum().backward()`, what is `x.grad[2]`?
#
# **q5** (true/false). Back-propagating through a Python loop whose number of iterations depends on the input's values
# works in eager mode.
#
# **q6** (multiple choice). A model's `forward` contains `if x.sum() > 0:` and is captured with `torch.jit.trace` on
# an example with a positive sum. What happens for later inputs with a negative sum? a) both branches were recorded,
# the right one runs  b) the branch taken for the example runs for every input  c) the traced module raises an error
# d) trace re-traces automatically
#
# **q7** (multiple choice). Which is a real advantage of define-by-run (dynamic) graphs? a) gradients are more
# accurate  b) arbitrary Python control flow, and debugging with print and pdb  c) automatic kernel fusion without any
# compiler  d) they always use less memory
#
# **q8** (true/false). `torch.compile` (default settings) raises an error on a model with data-dependent Python
# control flow until you rewrite it.
#
# **q9** (multiple choice). In torch 2.x, what is the supported way to capture a whole model as a graph for export and
# deployment (TorchScript being deprecated)? a) `torch.jit.trace`  b) `torch.export.export`  c)
# `torch.autograd.Function`  d) `torch.no_grad`
#
# **q10** (multiple choice). `h = torch.tanh(lin(x))` (with `lin` an `nn.Linear` and `x` a batch) feeds two losses,
# `l1 = h.pow(2).mean()` and `l2 = h.abs().mean()`. Which of these raises a RuntimeError? a) `(l1 + l2).backward()`
# b) `l1.backward(retain_graph=True)`, then `l2.backward()`  c) `l1.backward()`, then `l2.backward()`  d)
# `torch.autograd.backward([l1, l2])`
#
# **q11** (multiple choice). What is the main runtime cost of pure eager execution compared with a compiled graph? a)
# per-operation Python and dispatcher overhead, and no fusion across operations  b) gradients are approximated  c) the
# graph can never be freed  d) it cannot use a GPU
#
# **q12** (true/false). Using a dynamic graph causes vanishing gradients.

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
}
