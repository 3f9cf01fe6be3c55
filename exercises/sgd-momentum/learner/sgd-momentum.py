# %% [markdown]
# # Your own torch.optim.Optimizer: SGD with momentum, dampening, weight decay and Nesterov
#
# `sgd-momentum` · code / 编写代码 · medium / 中等 · about 35 min / 约 35 分钟
#
# Write `class SGD(torch.optim.Optimizer)` with
# `__init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)` and `step(closure=None)`,
# following exactly the update rule of `torch.optim.SGD`: for every combination of options its parameter trajectories
# must match torch's step by step (float64, relative tolerance 1e-10), also when the training loop zeroes `.grad` in
# place (`zero_grad(set_to_none=False)`) and back-propagates into the same tensors.
#
# It must honour per-group hyper-parameters (a list of dicts as `params`, each group falling back to the constructor's
# values), skip parameters whose `.grad` is None (their momentum buffer does not advance), call the closure exactly once
# per `step(closure)` and return its loss (also when `step` is called inside `torch.no_grad()`), and survive a
# `state_dict()` / `load_state_dict()` round trip in the middle of training. Invalid values raise `ValueError` as
# torch's do: a negative lr, momentum or weight_decay, and nesterov without momentum or with dampening.
#
# Every optimizer torch ships is switched off while grading (every class and function of the modules of `torch.optim`
# but `torch.optim.optimizer`, which holds the base class, and the fused kernels `aten::_fused_sgd*`,
# `aten::_fused_adam*`, `aten::_fused_adagrad*`): with a huge eps, even Adam is SGD with momentum. The sample answer's optimizer
# is stateless plain SGD; the sample answer's training loop also forgets `optimizer.zero_grad()`, so its gradients pile up across
# iterations.
#
# 编写 `class SGD(torch.optim.Optimizer)`，包含 `__init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)` 和 `step(closure=None)`，完全遵循 `torch.optim.SGD` 的更新规则：对于每一种选项组合，它的参数轨迹都必须与 torch 的逐步一致（float64，相对容差 1e-10），包括训练循环原地把 `.grad` 清零（`zero_grad(set_to_none=False)`）并反向传播到同一批张量中的情况。
#
# 它必须遵循每个参数组各自的超参数（`params` 为字典列表时，每个组没有给出的值取构造函数的值），跳过 `.grad` 为 None 的参数（它们的动量缓冲区不前进），每次 `step(closure)` 恰好调用一次 closure 并返回它的 loss（在 `torch.no_grad()` 内调用 `step` 时也是如此），并且在训练中途经过一次 `state_dict()` / `load_state_dict()` 往返之后仍能正常工作。非法的值像 torch 那样抛出 `ValueError`：负的 lr、momentum 或 weight_decay，以及没有 momentum 或带有 dampening 的 nesterov。
#
# 评分时 torch 自带的所有优化器都被禁用（`torch.optim` 各模块中除 `torch.optim.optimizer`（其中是基类）以外的每个类和函数，以及融合内核 `aten::_fused_sgd*`、`aten::_fused_adam*`、`aten::_fused_adagrad*`）：eps 取得极大时，连 Adam 也成了带动量的 SGD。示例答案的优化器是无状态的普通 SGD；示例答案的训练循环还忘了调用 `optimizer.zero_grad()`，所以它的梯度在各次迭代之间不断累积。
#
# Check your work: `prep check sgd-momentum`. Stuck? `prep hint sgd-momentum`.
#
# 检查你的答案：`prep check sgd-momentum`。卡住了？`prep hint sgd-momentum`。

# %%
import torch

# %% [markdown]
# An optimizer keeps per-parameter state (here the momentum buffer) in `self.state[p]`,
# and its hyper-parameters in `self.param_groups`, so that each group can have its own
# and `state_dict()` / `load_state_dict()` can save and restore both. The update of
# `torch.optim.SGD`, for gradient g of parameter p:
#
#     g = g + weight_decay * p
#     first step:  buf = g                       (no dampening on the first step)
#     later:       buf = momentum * buf + (1 - dampening) * g
#     g = g + momentum * buf  if nesterov  else  buf
#     p = p - lr * g

# %%
class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        raise NotImplementedError("sgd-momentum: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("sgd-momentum: your code here")
