# %% [markdown]
# # Quiz: static graphs in PyTorch 2.x: torch.compile, torch.export, TorchScript and APIs that do not exist
#
# `quiz-compile-and-export` · quiz · easy · about 15 min
#
# Fourteen questions on graph capture in PyTorch 2.x (torch.compile, torch.export, the deprecated TorchScript) and on the
# seeds' out-of-date or invented APIs, answered per real PyTorch 2.13. Fill in the `ANSWERS` dict: a letter for multiple
# choice, True or False, or a number. Each item is graded on its own, with an explanation once right.
#
# Check your work: `prep check quiz-compile-and-export`. Stuck? `prep hint quiz-compile-and-export`.

# %% [markdown]
# Graph capture today: torch.compile, torch.export, TorchScript, and the seeds' invented APIs.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). What does torch 2.x recommend instead of `torch.jit.script` / `torch.jit.trace`? a)
# `torch.jit.optimize` b) `torch.compile` and `torch.export` c) `torch.fx.symbolic_trace` only d) nothing:
# TorchScript is current
#
# **q2** (true/false). A `print()` in the middle of a `torch.compile`d function causes a graph break.
#
# **q3** (true/false). Compiling `lambda x: (x * 2).sin().sum()` with default settings and calling it on sizes 4,
# 5, 6 and 7 compiles four times.
#
# **q4** (true/false). Automatic differentiation is a performance-optimization technique.
#
# **q5** (multiple choice). What fuses element-wise operations into one kernel in PyTorch 2.x? a) autograd b)
# `torch.compile` with the Inductor backend c) `torch.cuda.empty_cache()` d) `torch.no_grad()`
#
# **q6** (true/false). `torch.jit.optimize` and `torch.jit.fuse` are public PyTorch APIs.
#
# **q7** (true/false). `torch.jit.optimize_for_inference` accepts a plain `nn.Module`.
#
# **q8** (multiple choice). Called from eager Python, what does `torch.jit.fork(fn, x)` return? a) a tensor b) a
# `torch.jit.Future` c) a thread d) a graph node
#
# **q9** (true/false). `torch.fx.symbolic_trace` can trace a Python `if` on a tensor's value.
#
# **q10** (true/false). Graph-capturing compilers cannot use custom operators.
#
# **q11** (multiple choice). Which one is common-subexpression elimination? a) merging two nodes that apply the
# same op to the same inputs b) removing nodes whose results are unused c) evaluating ops on constants ahead of
# time d) fusing element-wise kernels
#
# **q12** (true/false). A program from `torch.export.export(nn.Linear(3, 2), (torch.randn(2, 3),))`, exported
# without `dynamic_shapes`, accepts a batch of 5.
#
# **q13** (numeric). `Gate.forward` returns `x * 2` if `x.sum() > 0` else `x - 10`. It is captured with
# `torch.jit.trace(Gate(), (torch.ones(3),))`. What is the first element of the traced module's output for
# `-torch.ones(3)`?
#
# **q14** (true/false). `torch.compile` refuses to run a model that has a data-dependent Python `if`.

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
