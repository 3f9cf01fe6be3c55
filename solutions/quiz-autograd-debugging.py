"""Reference answers for quiz-autograd-debugging. tests/test_track3_quiz_facts.py checks each runnable claim on real torch."""

# %% [markdown]
# Debugging autograd: the real tools and the real causes.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (true/false). `torch.autograd.functional.make_dot` exists.
#
# **q2** (multiple choice). Which one names the backward operation that produced a NaN? a) TensorBoard b)
# `torch.autograd.detect_anomaly()` c) `print(loss)` d) `torch.cuda.empty_cache()`
#
# **q3** (true/false). `detect_anomaly` raises as soon as a forward operation produces NaN, even when the backward
# values are finite.
#
# **q4** (multiple choice). How do you get the gradient of a non-leaf intermediate `h`? a) `h.retain_grad()` or
# `h.register_hook(fn)` b) it is always in `h.grad` c) `torch.no_grad()` d) `h.detach().grad`
#
# **q5** (true/false). A hook added with `register_forward_hook` stays active until its handle's `.remove()` is
# called.
#
# **q6** (true/false). `t.numpy()` on a tensor that requires grad raises an error.
#
# **q7** (true/false). `torch.nn.utils.clip_grad_norm_` fixes vanishing gradients.
#
# **q8** (numeric). A parameter's `.grad` is `[3., 4.]`. What does `clip_grad_norm_([p], max_norm=1.0)` return?
#
# **q9** (true/false). Carrying an RNN's hidden state into the next batch without `h = h.detach()` makes the
# second `backward()` raise.
#
# **q10** (true/false). Running a forward pass twice with the same dropout module in training mode gives the same
# mask.

# %%
### BEGIN SOLUTION
ANSWERS = {
    'q1': False,
    'q2': 'b',
    'q3': False,
    'q4': 'a',
    'q5': True,
    'q6': True,
    'q7': False,
    'q8': 5.0,
    'q9': True,
    'q10': False,
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
# }
### END STUB
