# %% [markdown]
# # Quiz: building, training, loading and shipping models, and what the seeds' recipes miss
#
# `quiz-building-and-deploying` · quiz · easy · about 15 min
#
# Thirteen questions on building and training models, loading them for inference and shipping them, answered per real
# PyTorch 2.13. Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is graded
# on its own, with an explanation once right.
#
# Check your work: `prep check quiz-building-and-deploying`. Stuck? `prep hint quiz-building-and-deploying`.

# %% [markdown]
# Building, training, loading and shipping: what the seeds' recipes leave out.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). When is the autograd graph of one training iteration recorded? a) when the model is
# constructed b) during the forward pass, as each operation runs c) at `optimizer.step()` d) when `torch.compile`
# is called
#
# **q2** (true/false). After `model.append(new_layer)`, an optimizer created earlier with `model.parameters()`
# also updates `new_layer`.
#
# **q3** (numeric). `x = torch.tensor(3., requires_grad=True)`; `(x * x).backward()` twice, with no zeroing in
# between. What is `x.grad.item()`?
#
# **q4** (true/false). `load_from_checkpoint` is a method of `torch.nn.Module`.
#
# **q5** (true/false). `torch.no_grad()` also switches Dropout and BatchNorm to inference behaviour.
#
# **q6** (true/false). `torch.ao.quantization.quantize_dynamic(model, {nn.Linear, nn.Conv2d})` quantizes the
# Conv2d layers.
#
# **q7** (true/false). The seeds' recap is right that coding question 13 implements ReLU.
#
# **q8** (true/false). L2 regularization is the standard fix for exploding gradients.
#
# **q9** (true/false). The sum reduction of `torch.distributed.all_reduce` is spelled `ReduceOp.SUM`.
#
# **q10** (true/false). Two CPU training runs started with the same `torch.manual_seed` produce bit-identical
# losses.
#
# **q11** (multiple choice). In data-parallel training, when must the gradients be averaged across replicas? a)
# after `optimizer.step()` b) between `backward()` and `optimizer.step()` c) before the forward pass d) never, the
# optimizer states are averaged
#
# **q12** (true/false). A tensor registered with `register_buffer` is saved in `state_dict()` and moved by
# `.to()`, but is not among `parameters()`.
#
# **q13** (true/false). `nn.DataParallel` implements model parallelism (different layers on different devices).

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
}
