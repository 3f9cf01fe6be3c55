"""Reference answers for quiz-dynamic-graph-limits. tests/test_track3_quiz_facts.py checks each runnable claim on real torch."""

# %% [markdown]
# Limitations and challenges of dynamic graphs: which are real, which are myths.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (true/false). Eager PyTorch code can be stepped through with pdb, and intermediate tensors printed,
# inside `forward`.
#
# **q2** (multiple choice). Which one reduces eager mode's per-operation Python and dispatcher overhead? a)
# `torch.cuda.empty_cache()` b) `torch.compile` c) `model.eval()` d) a larger learning rate
#
# **q3** (true/false). Eager autograd merges identical sub-expressions: `x.exp() + x.exp()` records a single
# ExpBackward0 node.
#
# **q4** (true/false). `torch.autograd.gradcheck` should be run at every training step to stabilise training.
#
# **q5** (multiple choice). In which dtype should `gradcheck` run? a) float16 b) bfloat16 c) float32 d) float64
#
# **q6** (multiple choice). What takes most of autograd's memory in a training forward pass? a) the graph's node
# objects b) the tensors saved for backward (activations) c) Python stack frames d) the gradients of the loss
#
# **q7** (true/false). `torch.tensor(1e-8, dtype=torch.float16)` is exactly zero.
#
# **q8** (multiple choice). Which one cuts the autograd graph? a) `x * 2` b) `torch.tensor(x.item())` c)
# `x.view(-1)` d) `torch.cat([x, x])`
#
# **q9** (true/false). Modifying in place a tensor that autograd saved for backward raises an error at
# `backward()` time.
#
# **q10** (true/false). Adding dropout makes training runs reproducible.
#
# **q11** (true/false). Exploding gradients are a problem specific to dynamic graphs.
#
# **q12** (true/false). A model written for eager mode can be captured into graphs by `torch.compile` without
# rewriting it in a static-graph API.

# %%
### BEGIN SOLUTION
ANSWERS = {
    'q1': True,
    'q2': 'b',
    'q3': False,
    'q4': False,
    'q5': 'd',
    'q6': 'b',
    'q7': True,
    'q8': 'b',
    'q9': True,
    'q10': False,
    'q11': False,
    'q12': True,
}
### END SOLUTION
### BEGIN STUB
# ANSWERS = {
#     "q1": None,
#     "q2": None,
#     "q3": None,
#     "q4": None,
#     "q5": None,
#     "q6": None,
#     "q7": None,
#     "q8": None,
#     "q9": None,
#     "q10": None,
#     "q11": None,
#     "q12": None,
# }
### END STUB
