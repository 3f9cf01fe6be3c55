"""Reference answers for quiz-dynamic-graph-uses. tests/test_track3_quiz_facts.py proves each answer on real torch."""

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
### BEGIN SOLUTION
ANSWERS = {
    "q1": "b",
    "q2": False,
    "q3": 27.0,
    "q4": False,
    "q5": False,
    "q6": False,
    "q7": 12.0,
    "q8": True,
    "q9": True,
    "q10": True,
    "q11": False,
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
# }
### END STUB
