# %% [markdown]
# # Quiz: what convolution and pooling compute, their output sizes and what they are (not) invariant to
#
# `quiz-cnn-pooling` · quiz · easy · about 10 min
#
# Nine questions on what `nn.Conv2d` and pooling compute, answered per real PyTorch (the seeds' formulas and
# invariance claims are wrong). Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number.
# Each item is graded on its own, and its explanation is shown once you get it right.
#
# Check your work: `prep check quiz-cnn-pooling`. Stuck? `prep hint quiz-cnn-pooling`.

# %% [markdown]
# **q1** (choice). `nn.Conv2d` computes: a) a true convolution (flipped kernel) b) a cross-correlation (kernel not
# flipped) c) an elementwise product of input and kernel d) a product of Fourier transforms
#
# **q2** (number). Output side of `Conv2d(kernel_size=3, stride=1, padding=1)` on a 28 x 28 input?
#
# **q3** (number). Output side of `Conv2d(kernel_size=3)` (no padding) then `MaxPool2d(2)` on 32 x 32?
#
# **q4** (true/false). A convolution layer makes the network invariant to rotations of the image.
#
# **q5** (true/false). With circular padding, shifting the input by one pixel shifts the conv output by one pixel.
#
# **q6** (true/false). Shifting the input by one pixel never changes the output of a 2 x 2 max-pool.
#
# **q7** (number). `y = F.avg_pool2d(x, 2)` on a 4 x 4 `x`; after `y.sum().backward()`, what is each `x.grad`?
#
# **q8** (number). The stride of `nn.MaxPool2d(3)`, when none is given?
#
# **q9** (number). A (4, 32, 14, 14) tensor after `.view(-1, 32 * 7 * 7)` has how many rows?

# %%
ANSWERS = {"q1": None, "q2": None, "q3": None, "q4": None, "q5": None, "q6": None, "q7": None, "q8": None,
           "q9": None}
