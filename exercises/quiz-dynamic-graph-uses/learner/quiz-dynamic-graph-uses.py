# %% [markdown]
# # Quiz: what define-by-run is, where it really helps, and what it does not do
#
# `quiz-dynamic-graph-uses` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Eleven questions on what a define-by-run graph is, where it genuinely helps and which claims of the sample answers are wrong,
# answered per real PyTorch 2.x. Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number.
# Each item is graded on its own, and its explanation is shown once you get it right.
#
# 十一道题，关于什么是 define-by-run（运行即定义）计算图、它在哪些地方真正有帮助、示例答案的哪些说法是错的，按真实的 PyTorch 2.x 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-dynamic-graph-uses`. Stuck? `prep hint quiz-dynamic-graph-uses`.
#
# 检查你的答案：`prep check quiz-dynamic-graph-uses`。卡住了？`prep hint quiz-dynamic-graph-uses`。

# %% [markdown]
# Define-by-run graphs: what they are, where they help, and what they do not do.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). Which task benefits most from a graph recorded anew on every forward pass? a) fixed-shape
# CNN inference  b) a recursive network over parse trees whose shape differs per sample  c) one large matrix multiply
# d) loading data
#
# **q2** (true/false). In PyTorch the graph automatically simplifies itself (adjusts its own complexity) for easy
# inputs.
#
# **q3** (numeric). `w = torch.tensor(3., requires_grad=True)`; starting from `y = torch.tensor(1.)`, a loop applies
# `y = w * y` as many times as the input asks, here three times; then `y.backward()`. What is `w.grad.item()`?
#
# **q4** (true/false). Whether a model 'uses a dynamic graph' is a property of its architecture (a Transformer or a
# CNN).
#
# **q5** (true/false). Automatic differentiation requires a dynamic graph.
#
# **q6** (true/false). Outputs computed under `torch.inference_mode()` carry a `grad_fn`.
#
# **q7** (numeric). `x = torch.tensor(2., requires_grad=True)`; `(g,) = torch.autograd.grad(x ** 3, x,
# create_graph=True)`; then `g.backward()`. What is `x.grad.item()`?
#
# **q8** (true/false). In a GAN's discriminator step, `d_loss = D(G(z).detach()).mean(); d_loss.backward()` leaves the
# generator's parameters' `.grad` at None (they were None before).
#
# **q9** (true/false). In the generator step, after `for p in D.parameters(): p.requires_grad_(False)`,
# `(-D(G(z)).mean()).backward()` still gives G's parameters gradients.
#
# **q10** (true/false). `t` was created under `torch.inference_mode()`. Later, outside inference mode, `nn.Linear(3,
# 3)(t).sum().backward()` raises an error.
#
# **q11** (true/false). Changing the learning rate during training requires a dynamic computation graph.

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
