# %% [markdown]
# # Quiz: building, training, loading and shipping models, and what the sample answers' recipes miss
#
# `quiz-building-and-deploying` · quiz / 测验 · easy / 简单 · about 15 min / 约 15 分钟
#
# Thirteen questions on building and training models, loading them for inference and shipping them, answered per real
# PyTorch 2.13. Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is graded
# on its own, with an explanation once right.
#
# 十三道题，关于构建和训练模型、加载模型做推理以及部署模型，按真实的 PyTorch 2.13 作答。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示解释。
#
# Check your work: `prep check quiz-building-and-deploying`. Stuck? `prep hint quiz-building-and-deploying`.
#
# 检查你的答案：`prep check quiz-building-and-deploying`。卡住了？`prep hint quiz-building-and-deploying`。

# %% [markdown]
# Building, training, loading and shipping: what the seeds' recipes leave out.
#
# Answer each question in the `ANSWERS` dict below: multiple choice with the letter, as a string (`"b"`);
# true/false with `True` or `False`; numeric with a number.
#
# **q1** (multiple choice). On torch 2.13, a whole module was saved with `torch.save(model, path)` (pickled, not its
# `state_dict()`). What does `torch.load(path)` with default arguments do? a) returns the module  b) raises an
# UnpicklingError: `weights_only=True` is the default  c) returns its state_dict  d) returns a TorchScript module
#
# **q2** (true/false). After `model.append(new_layer)`, an optimizer created earlier with `model.parameters()` also
# updates `new_layer`.
#
# **q3** (multiple choice). One branch of a model is not used in this iteration's forward. After
# `optimizer.zero_grad()` (defaults), `loss.backward()` and `optimizer.step()` with `torch.optim.SGD(params, lr=0.1,
# momentum=0.9)`, that branch's parameters: a) have `.grad` None and are left unchanged by `step()`  b) get zero
# gradients and still move by their momentum  c) make backward raise  d) get the gradient of the previous iteration
#
# **q4** (true/false). Resuming Adam training from a checkpoint that saved only `model.state_dict()` (the weights
# restored into a new `torch.optim.Adam`) continues exactly as the uninterrupted run would.
#
# **q5** (true/false). `torch.no_grad()` also switches Dropout and BatchNorm to inference behaviour.
#
# **q6** (true/false). `torch.ao.quantization.quantize_dynamic(model, {nn.Linear, nn.Conv2d})` quantizes the Conv2d
# layers.
#
# **q7** (true/false). `best = model.state_dict()`, taken after epoch 3, still holds epoch 3's weights after training
# continues to epoch 10.
#
# **q8** (true/false). From the same weights and gradient, one step of `torch.optim.Adam(params, lr=0.1,
# weight_decay=0.1)` and one of `torch.optim.AdamW(params, lr=0.1, weight_decay=0.1)` give the same new weights.
#
# **q9** (true/false). With `DistributedSampler(dataset, shuffle=True)` and no call to `sampler.set_epoch(epoch)`,
# every epoch visits the samples in the same order.
#
# **q10** (true/false). Seeding with `torch.manual_seed` alone guarantees that two runs of the same training script on
# the same CPU machine give bit-identical losses, whatever operations the model uses.
#
# **q11** (multiple choice). In data-parallel training, when must the gradients be averaged across replicas? a) after
# `optimizer.step()`  b) between `backward()` and `optimizer.step()`  c) before the forward pass  d) never, the
# optimizer states are averaged
#
# **q12** (true/false). A tensor registered with `register_buffer` is saved in `state_dict()` and moved by `.to()`,
# but is not among `parameters()`.
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
