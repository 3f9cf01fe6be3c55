# %% [markdown]
# # Quiz: what convolution and pooling compute, their output sizes and what they are (not) invariant to
#
# `quiz-cnn-pooling` · quiz / 测验 · easy / 简单 · about 10 min / 约 10 分钟
#
# Nine questions on what `nn.Conv2d` and pooling compute, answered per real PyTorch (the sample answers' formulas and
# invariance claims are wrong). Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number.
# Each item is graded on its own, and its explanation is shown once you get it right.
#
# 九道题，关于 `nn.Conv2d` 和池化计算的是什么，按真实的 PyTorch 作答（示例答案中的公式和关于不变性的说法是错的）。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-cnn-pooling`. Stuck? `prep hint quiz-cnn-pooling`.
#
# 检查你的答案：`prep check quiz-cnn-pooling`。卡住了？`prep hint quiz-cnn-pooling`。

# %% [markdown]
# Answer each question in the `ANSWERS` dict below:
#
# * multiple choice: the letter, as a string (`"b"`);
# * true/false: `True` or `False`;
# * numeric: a number.
#
# **q1** (multiple choice). `nn.Conv2d` computes: a) a true convolution (flipped kernel)  b) a cross-correlation
# (kernel not flipped)  c) an elementwise product of input and kernel  d) a product of Fourier transforms
#
# **q2** (numeric). Output side of `Conv2d(kernel_size=3, stride=1, padding=1)` on a 28 x 28 input?
#
# **q3** (numeric). Output side of `Conv2d(kernel_size=3)` (no padding) then `MaxPool2d(2)` on 32 x 32?
#
# **q4** (true/false). A convolution layer makes the network invariant to rotations of the image.
#
# **q5** (true/false). For `conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode='circular')` and any input `x` of shape
# (1, 1, H, W), shifting the input circularly by one column shifts the output the same way:
# `torch.allclose(conv(torch.roll(x, 1, -1)), torch.roll(conv(x), 1, -1))` is True.
#
# **q6** (true/false). For every input `x` of shape (1, 1, 8, 8), `F.max_pool2d(torch.roll(x, 1, -1), 2)` equals
# `F.max_pool2d(x, 2)`.
#
# **q7** (numeric). `y = F.avg_pool2d(x, 2)` on a 4 x 4 `x`; after `y.sum().backward()`, what is each `x.grad`?
#
# **q8** (numeric). The stride of `nn.MaxPool2d(3)`, when none is given?
#
# **q9** (numeric). A (4, 32, 14, 14) tensor after `.view(-1, 32 * 7 * 7)` has how many rows?

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
}
