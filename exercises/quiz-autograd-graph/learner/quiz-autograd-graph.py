# %% [markdown]
# # Quiz: leaves, grad_fn and next_functions, backward's argument, what backprop really does
#
# `quiz-autograd-graph` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Fourteen questions on the autograd graph: leaves and intermediates, grad_fn and next_functions, what backward takes
# and accumulates, and what back-propagation does, answered per real PyTorch 2.13 (several sample answers are wrong).
# Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is graded on its
# own, and its explanation is shown once you get it right.
#
# 十四道题，关于 autograd 计算图：叶子张量与中间张量、grad_fn 与 next_functions、backward 接受什么以及累积什么、反向传播做了什么，按真实的 PyTorch 2.13 作答（有几个示例答案是错的）。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-autograd-graph`. Stuck? `prep hint quiz-autograd-graph`.
#
# 检查你的答案：`prep check quiz-autograd-graph`。卡住了？`prep hint quiz-autograd-graph`。

# %% [markdown]
# Answer each question in the `ANSWERS` dict below:
#
# * multiple choice: the letter, as a string (`"b"`);
# * true/false: `True` or `False`;
# * numeric: a number.
#
# **q1** (true/false). `torch.randn(3, requires_grad=True)` is a leaf tensor.
#
# **q2** (true/false). With `a = torch.randn(3, requires_grad=True)` and `b = torch.randn(3)`, the result of `(a *
# b).sum()` is a leaf tensor.
#
# **q3** (true/false). After `loss.backward()`, an intermediate (non-leaf) tensor's `.grad` holds its gradient by
# default.
#
# **q4** (true/false). `y = torch.randn(3) * 2`, computed from tensors that do not require grad, is a leaf
# (`y.is_leaf` is True).
#
# **q5** (multiple choice). What does `t.grad_fn.next_functions` hold? a) the nodes of the operations that consume t
# b) the nodes of the inputs t was computed from (AccumulateGrad for leaves, None where no gradient is needed)  c) the
# optimizer's parameter groups  d) copies of t for each use
#
# **q6** (true/false). `torch.tensor(2) + torch.tensor(3)` records a node in the autograd graph.
#
# **q7** (multiple choice). What is the optional first argument of `Tensor.backward(...)`? a) the target labels  b)
# the gradient with respect to the tensor: the vector v of the vector-Jacobian product  c) the learning rate  d) the
# loss function
#
# **q8** (true/false). Calling `model.forward(x)` directly runs the module's registered forward hooks, just like
# `model(x)`.
#
# **q9** (numeric). `x = torch.tensor([1., 2., 3.], requires_grad=True)`; then, twice, `(x ** 2).sum().backward()`
# (recomputing the expression each time). What is `x.grad[2]`?
#
# **q10** (multiple choice). With `a = torch.randn(3, 1, requires_grad=True)` and `b = torch.randn(1, 4,
# requires_grad=True)`, `(a * b).sum().backward()` broadcasts the product to shape (3, 4). What is `a.grad.shape`? a)
# `(3, 4)`  b) `(3, 1)`  c) `(1, 4)`  d) backward raises, since a and b have different shapes
#
# **q11** (true/false). `loss.backward()` recomputes the loss once per layer as it goes back towards the input.
#
# **q12** (numeric). For `F.cross_entropy(z, t)` with logits `z = torch.zeros(4, 2)` (a batch of 4, 2 classes) and
# targets `t = torch.zeros(4, dtype=torch.long)`, what is the gradient of the loss with respect to `z[0, 0]`?
#
# **q13** (true/false). `x.detach()` returns a tensor that shares its storage with `x`.
#
# **q14** (multiple choice). How does PyTorch compute gradients? a) by finite differences  b) by symbolic
# differentiation of the Python source  c) by reverse-mode automatic differentiation over the graph recorded during
# the forward pass  d) by forward-mode differentiation only

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
