# %% [markdown]
# # RMSprop and Adagrad from scratch: per-coordinate step sizes, momentum, centring, lr decay
#
# `rmsprop-adagrad` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write two `torch.optim.Optimizer` subclasses whose parameter trajectories match `torch.optim.RMSprop` and
# `torch.optim.Adagrad` step by step (float64, relative tolerance 1e-10) for every option below:
#
# * `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)`
# * `Adagrad(params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)`
#
# For gradient g of parameter p, after adding `weight_decay * p` to g when weight_decay is not 0:
#
# ```
# Adagrad:  t = t + 1   (per parameter)
#           sum = sum + g * g
#           p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
# RMSprop:  v = alpha * v + (1 - alpha) * g * g                         (v starts at 0)
#           centered:  a = alpha * a + (1 - alpha) * g;  avg = sqrt(v - a * a) + eps
#           otherwise: avg = sqrt(v) + eps
#           momentum > 0:  buf = momentum * buf + g / avg;  p = p - lr * buf   (buf starts at 0)
#           otherwise:     p = p - lr * g / avg
# ```
#
# Adagrad's `sum` starts at the constructor's `initial_accumulator_value` for every parameter, as in torch, which
# fills it in `__init__`: an `initial_accumulator_value` given in a param group is ignored.
#
# Both must honour per-group hyper-parameters (a list of dicts as `params`, each group falling back to the
# constructor's values); skip parameters whose `.grad` is None (Adagrad's step count is per parameter); in
# `step(closure)`, call the closure exactly once and return its loss, also inside `torch.no_grad()`; keep their state
# in `self.state` so that a `state_dict()` / `load_state_dict()` round trip in the middle of training continues the
# same trajectory; and raise `ValueError` for any negative hyper-parameter (RMSprop: lr, alpha, eps, weight_decay,
# momentum; Adagrad: lr, lr_decay, weight_decay, initial_accumulator_value, eps).
#
# Every optimizer torch ships is switched off while grading: every class and function of the modules of
# `torch.optim` but `torch.optim.optimizer` (which holds the base class), their functional forms included (Adam with
# `beta1 = 0` can be bent into RMSprop), and the fused kernels `aten::_fused_adagrad*`, `aten::_fused_adam*`,
# `aten::_fused_sgd*`; derive from `torch.optim.Optimizer` itself. The
# the sample answer explains gradient descent with one learning rate shared by every weight; these two give each coordinate its own.
#
# 编写两个 `torch.optim.Optimizer` 子类，使它们的参数轨迹在下列每一个选项下都与 `torch.optim.RMSprop` 和 `torch.optim.Adagrad` 逐步一致（float64，相对容差 1e-10）：
#
# * `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)`
# * `Adagrad(params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)`
#
# 对参数 p 的梯度 g，当 weight_decay 不为 0 时先把 `weight_decay * p` 加到 g 上，然后：
#
# ```
# Adagrad:  t = t + 1   (per parameter)
#           sum = sum + g * g
#           p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
# RMSprop:  v = alpha * v + (1 - alpha) * g * g                         (v starts at 0)
#           centered:  a = alpha * a + (1 - alpha) * g;  avg = sqrt(v - a * a) + eps
#           otherwise: avg = sqrt(v) + eps
#           momentum > 0:  buf = momentum * buf + g / avg;  p = p - lr * buf   (buf starts at 0)
#           otherwise:     p = p - lr * g / avg
# ```
#
# Adagrad 的 `sum` 对每个参数都从构造函数的 `initial_accumulator_value` 开始，与 torch 一样（torch 在 `__init__` 中填充它）：在参数组中给出的 `initial_accumulator_value` 会被忽略。
#
# 两者都必须：遵循每个参数组各自的超参数（`params` 为字典列表时，每个组没有给出的值取构造函数的值）；跳过 `.grad` 为 None 的参数（Adagrad 的步数按参数计）；在 `step(closure)` 中恰好调用一次 closure 并返回它的 loss，在 `torch.no_grad()` 内部也是如此；把状态保存在 `self.state` 中，使训练中途做一次 `state_dict()` / `load_state_dict()` 往返之后仍沿着同一条轨迹继续；并对任何为负的超参数抛出 `ValueError`（RMSprop：lr、alpha、eps、weight_decay、momentum；Adagrad：lr、lr_decay、weight_decay、initial_accumulator_value、eps）。
#
# 评分时 torch 自带的所有优化器都被禁用：`torch.optim` 各模块中除 `torch.optim.optimizer`（其中是基类）以外的每个类和函数，包括它们的函数式形式（把 `beta1 = 0` 的 Adam 稍加改造就能变成 RMSprop），以及融合内核 `aten::_fused_adagrad*`、`aten::_fused_adam*`、`aten::_fused_sgd*`；请直接派生自 `torch.optim.Optimizer` 本身。示例答案用一个所有权重共享的学习率来解释梯度下降；这两个优化器则给每个坐标各自的学习率。
#
# Check your work: `prep check rmsprop-adagrad`. Stuck? `prep hint rmsprop-adagrad`.
#
# 检查你的答案：`prep check rmsprop-adagrad`。卡住了？`prep hint rmsprop-adagrad`。

# %%
import torch

# %% [markdown]
# Adagrad divides by the root of the sum of all squared gradients (so its steps only
# shrink); RMSprop by the root of a running average of them (it forgets at rate alpha).
# The exact update rules are in the task text.

# %%
class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        raise NotImplementedError("rmsprop-adagrad: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("rmsprop-adagrad: your code here")


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        raise NotImplementedError("rmsprop-adagrad: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("rmsprop-adagrad: your code here")
