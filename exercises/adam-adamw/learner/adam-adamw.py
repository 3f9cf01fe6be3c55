# %% [markdown]
# # Adam and AdamW from scratch: bias correction, decoupled weight decay, AMSGrad
#
# `adam-adamw` · code / 编写代码 · medium / 中等 · about 35 min / 约 35 分钟
#
# Write two `torch.optim.Optimizer` subclasses that follow exactly the update rules of `torch.optim.Adam` and
# `torch.optim.AdamW` (the single-tensor CPU path): for every option below, their parameter trajectories must match
# torch's step by step (float64, relative tolerance 1e-10).
#
# * `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)`: bias-corrected first and
#   second moments; `weight_decay` is an L2 penalty added to the gradient; `eps` is added to
#   `sqrt(v) / sqrt(1 - beta2**t)`; with `amsgrad` the running maximum of `v` replaces `v` in the denominator.
# * `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`: the same, except that the
#   decay is decoupled: `p` is multiplied by `1 - lr * weight_decay` before the Adam step, and the gradient is left
#   alone. (AdamW may subclass your Adam.)
#
# Both must: honour per-group hyper-parameters (a list of dicts as `params`, each group falling back to the
# constructor's values), read as each step finds them (a scheduler may change a group's lr, betas, eps or weight_decay
# between steps: keep the raw moments, as torch does, and bias-correct them at each step); skip parameters whose `.grad` is None (the step count `t` is per parameter, so a skipped
# parameter's count does not advance); in `step(closure)`, call the closure exactly once and return its loss, also
# when `step` is called inside `torch.no_grad()`; keep their state in `self.state` so that a `state_dict()` /
# `load_state_dict()` round trip in the middle of training continues the same trajectory; and raise `ValueError` for a
# negative lr, eps or weight_decay, or a beta outside [0, 1).
#
# Every optimizer torch ships is switched off while grading: every class and function of the modules of
# `torch.optim` but `torch.optim.optimizer` (which holds the base class), their functional forms included, and the fused
# kernels `aten::_fused_adam*`, `aten::_fused_sgd*`, `aten::_fused_adagrad*`; derive from `torch.optim.Optimizer`
# itself. The sample answers stop at
# W = W - lr * dL/dW, and one calls `optimizer.step()` without a `backward()`: with no gradients, nothing moves.
#
# 编写两个 `torch.optim.Optimizer` 子类，完全遵循 `torch.optim.Adam` 和 `torch.optim.AdamW` 的更新规则（单张量的 CPU 路径）：对下面的每一个选项，它们的参数轨迹都必须与 torch 的逐步一致（float64，相对容差 1e-10）。
#
# * `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)`：经过偏差校正的一阶矩和二阶矩；`weight_decay` 是加到梯度上的 L2 惩罚项；`eps` 加在 `sqrt(v) / sqrt(1 - beta2**t)` 上；使用 `amsgrad` 时，分母中用 `v` 的历史最大值代替 `v`。
# * `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`：与上面相同，只是权重衰减是解耦的：在 Adam 的这一步之前先把 `p` 乘以 `1 - lr * weight_decay`，梯度保持不变。（AdamW 可以继承你的 Adam。）
#
# 两者都必须：遵守每个参数组各自的超参数（`params` 为字典列表时，每个组未给出的值取构造函数的值），并且按每一步当时的值读取（调度器可能在两步之间改变某个组的 lr、betas、eps 或 weight_decay：像 torch 那样保存未校正的矩，每一步再做偏差校正）；跳过 `.grad` 为 None 的参数（步数 `t` 按参数分别计数，所以被跳过的参数的步数不增加）；在 `step(closure)` 中恰好调用 closure 一次并返回它的 loss，在 `torch.no_grad()` 中调用 `step` 时也是如此；把状态保存在 `self.state` 中，使得在训练中途做一次 `state_dict()` / `load_state_dict()` 往返之后，仍然沿同一条轨迹继续；对负的 lr、eps 或 weight_decay，或者不在 [0, 1) 内的 beta，抛出 `ValueError`。
#
# 评分时，torch 自带的所有优化器都被禁用：`torch.optim` 中除 `torch.optim.optimizer`（其中是基类）之外的所有模块的每个类和函数，包括它们的函数式形式，以及融合内核 `aten::_fused_adam*`、`aten::_fused_sgd*`、`aten::_fused_adagrad*`；请直接继承 `torch.optim.Optimizer` 本身。示例答案止步于 W = W - lr * dL/dW，而且其中一个在调用 `optimizer.step()` 之前没有 `backward()`：没有梯度，什么都不会动。
#
# Check your work: `prep check adam-adamw`. Stuck? `prep hint adam-adamw`.
#
# 检查你的答案：`prep check adam-adamw`。卡住了？`prep hint adam-adamw`。

# %%
import torch

# %% [markdown]
# Adam keeps two running averages per parameter, of the gradient (`exp_avg`, m) and of its
# square (`exp_avg_sq`, v), and a step count. For gradient g of parameter p at step t
# (t counted per parameter, from 1), the update of `torch.optim.Adam` is:
#
#     Adam:   g = g + weight_decay * p            (L2 penalty folded into the gradient)
#     AdamW:  p = p * (1 - lr * weight_decay)     (decoupled: the gradient is left alone)
#     m = beta1 * m + (1 - beta1) * g
#     v = beta2 * v + (1 - beta2) * g * g
#     amsgrad:  v_max = max(v_max, v), and v_max replaces v below
#     denom = sqrt(v) / sqrt(1 - beta2**t) + eps
#     p = p - lr / (1 - beta1**t) * m / denom
#
# Both averages start at zero, so without the bias corrections `1 - beta**t` the first
# steps would be far too short (m is only 0.1 g after one step).

# %%
class Adam(torch.optim.Optimizer):
    """Adam with bias correction, optional L2 weight decay and AMSGrad, as torch.optim.Adam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        raise NotImplementedError("adam-adamw: your code here")

    @torch.no_grad()
    def step(self, closure=None):
        raise NotImplementedError("adam-adamw: your code here")


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        raise NotImplementedError("adam-adamw: your code here")
