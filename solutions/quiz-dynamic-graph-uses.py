"""Reference answers for quiz-dynamic-graph-uses. tests/test_track3_quiz_facts.py checks each runnable claim on real torch."""

# %% [markdown]
# Define-by-run graphs: what they are, where they help, and what they do not do.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). Which task benefits most from a graph recorded anew on every forward pass? a)
# fixed-shape CNN inference b) a recursive network over parse trees whose shape differs per sample c) one large
# matrix multiply d) loading data
#
# **q2** (true/false). In PyTorch the graph automatically simplifies itself (adjusts its own complexity) for easy
# inputs.
#
# **q3** (numeric). `x = torch.tensor([4.], requires_grad=True); y = x` then `while y.abs().sum() > 1: y = y / 2`,
# then `y.backward()`. What is `x.grad.item()`?
#
# **q4** (true/false). Whether a model 'uses a dynamic graph' is a property of its architecture (a Transformer or
# a CNN).
#
# **q5** (true/false). Automatic differentiation requires a dynamic graph.
#
# **q6** (true/false). Outputs computed under `torch.inference_mode()` carry a `grad_fn`.
#
# **q7** (multiple choice). What does `t.grad_fn` hold? a) the gradient of t b) the backward node of the operation
# that produced t c) the optimizer d) the forward function's source
#
# **q8** (true/false). Walking `out.grad_fn.next_functions` shows which operations were recorded for `out`.
#
# **q9** (multiple choice). Which genuinely needs per-sample control flow? a) BatchNorm b) RL episodes whose
# length depends on the environment c) matrix factorization d) a fixed-size image classifier
#
# **q10** (true/false). Reinforcement learning is a computer-vision task.
#
# **q11** (true/false). Google's original BERT release and the original Transformer code (tensor2tensor) were
# written in TensorFlow.
#
# **q12** (true/false). Changing the learning rate during training requires a dynamic computation graph.
#
# **q13** (multiple choice). Why is a dynamic graph easy to debug? a) gradients are exact b) each op runs
# immediately, so print, pdb and ordinary exceptions work inside forward c) it uses less memory d) it fuses
# kernels
#
# **q14** (true/false). For serving a model, running it under `torch.inference_mode()` (or `torch.no_grad()`)
# records no autograd graph at all.

# %%
### BEGIN SOLUTION
ANSWERS = {
    'q1': 'b',
    'q2': False,
    'q3': 0.25,
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': 'b',
    'q8': True,
    'q9': 'b',
    'q10': False,
    'q11': True,
    'q12': False,
    'q13': 'b',
    'q14': True,
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
#     "q13": None,
#     "q14": None,
# }
### END STUB
