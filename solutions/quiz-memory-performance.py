"""Reference answers for quiz-memory-performance. tests/test_track3_quiz_facts.py checks each runnable claim on real torch."""

# %% [markdown]
# Memory and performance: which tools change what.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (true/false). `torch.cuda.empty_cache()` frees the memory of tensors that are still referenced.
#
# **q2** (true/false). `torch.cuda.ipmt()` and `torch.cuda.domain` are PyTorch APIs.
#
# **q3** (true/false). `torch.utils.checkpoint` lowers memory automatically, without changing your code.
#
# **q4** (true/false). Moving a model to a GPU reduces the bytes each float32 activation needs.
#
# **q5** (numeric). How many bytes does autograd save for `nn.Linear(5, 3)(x)` with `x = torch.randn(10, 5)` (x
# not requiring grad)?
#
# **q6** (true/false). Accumulating `total_loss += loss` (the tensor) over iterations keeps every iteration's
# graph alive.
#
# **q7** (true/false). `torch.autocast('cpu', dtype=torch.bfloat16)` converts the model's parameters to bfloat16.
#
# **q8** (true/false). When the gradients contain inf or NaN, `GradScaler.step(optimizer)` skips the update and
# `update()` halves the scale.
#
# **q9** (true/false). With equal-sized shards and a mean loss, averaging the replicas' gradients gives the
# full-batch gradient.
#
# **q10** (multiple choice). What lets host-to-GPU copies overlap with compute? a) `pin_memory=True` with
# `.to(device, non_blocking=True)` b) `torch.cuda.empty_cache()` c) `torch.no_grad()` d) `model.eval()`
#
# **q11** (numeric). After one `step()` of `torch.optim.Adam` on a parameter, how many entries does
# `optimizer.state[p]` hold?
#
# **q12** (true/false). `torch.cuda.memory_allocated()` can be used to pre-allocate GPU memory.
#
# **q13** (true/false). `nn.DataParallel(model)` raises on a machine without CUDA.
#
# **q14** (multiple choice). Which one saves no tensor for backward? a) `x + x` b) `x * x` c) `torch.tanh(x)` d)
# `torch.sigmoid(x)`
#
# **q15** (multiple choice). What does activation checkpointing trade? a) accuracy for speed b) recomputation in
# backward for less saved memory c) memory for fewer parameters d) nothing, it is free

# %%
### BEGIN SOLUTION
ANSWERS = {
    'q1': False,
    'q2': False,
    'q3': False,
    'q4': False,
    'q5': 200,
    'q6': True,
    'q7': False,
    'q8': True,
    'q9': True,
    'q10': 'a',
    'q11': 3,
    'q12': False,
    'q13': False,
    'q14': 'a',
    'q15': 'b',
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
#     "q15": None,
# }
### END STUB
