# %% [markdown]
# # Fix the sample answer's gradient printout: where backward puts gradients, stale .grad, and the same by hand
#
# `fix-param-grads` · fix-bug / 修复 bug · easy / 简单 · about 20 min / 约 20 分钟
#
# The stub of `param_grads(layer, x, t)` is the sample answer's script, and it raises. Fix it: it returns a dict
# `{name: gradient}` with one entry per `layer.named_parameters()` (for `nn.Linear`: "weight" of shape (3, 5) and
# "bias" of shape (3,), not the input's shape as the sample answer claims) holding the gradient of `nn.MSELoss()(layer(x), t)`
# for this batch only: gradients left in `.grad` by an earlier backward must not leak in, and afterwards each
# parameter's `.grad` holds exactly this batch's gradient. A parameter that gets none (frozen, or unused by the
# forward) maps to None and its `.grad` is None afterwards. The dict is the caller's to keep: zeroing `.grad` in place
# or a later call on another batch does not change the gradients in it. `x` does not require grad and its `.grad` stays
# None. If `t.shape` differs from the output's shape (even with as many elements), raise `ValueError` (nn.MSELoss would
# broadcast it with only a warning). `layer` can be any module with at least one parameter that requires grad, e.g. an `nn.Sequential`.
#
# Then write `linear_mse_grads(x, W, b, t) -> (dW, db, dx)`: the tuple of the gradients of `mean((x @ W.T + b - t) ** 2)` with
# respect to W (K, D), b (K,) and x (N, D), by hand with tensor operations: the graders call it inside
# `torch.inference_mode()`, where autograd records nothing. They must equal autograd's to 1e-10 in float64.
#
# `param_grads(layer, x, t)` 的初始代码就是示例答案的脚本，它会抛出异常。修好它：它返回一个字典 `{name: gradient}`，`layer.named_parameters()` 的每个参数对应一项（对 `nn.Linear` 来说是形状为 (3, 5) 的 "weight" 和形状为 (3,) 的 "bias"，而不是示例答案所说的输入的形状），值为 `nn.MSELoss()(layer(x), t)` 仅针对这一批数据的梯度：之前的反向传播留在 `.grad` 中的梯度不能混进来，并且之后每个参数的 `.grad` 恰好是这一批的梯度。得不到梯度的参数（被冻结的，或前向计算中没有用到的）对应 None，之后它的 `.grad` 也是 None。这个字典归调用者保存：原地把 `.grad` 清零，或之后在另一批数据上再次调用，都不会改变字典里的梯度。`x` 不需要梯度，它的 `.grad` 保持为 None。如果 `t.shape` 与输出的形状不同（即使元素个数相同），抛出 `ValueError`（nn.MSELoss 会对它做广播，只给出一个警告）。`layer` 可以是任意模块（至少有一个需要梯度的参数），例如 `nn.Sequential`。
#
# 然后编写 `linear_mse_grads(x, W, b, t) -> (dW, db, dx)`：由 `mean((x @ W.T + b - t) ** 2)` 关于 W (K, D)、b (K,) 和 x (N, D) 的梯度组成的元组（tuple），用张量运算手工计算：评分项会在 `torch.inference_mode()` 中调用它，那里 autograd 什么也不记录。在 float64 下结果必须与 autograd 的结果一致到 1e-10。
#
# Check your work: `prep check fix-param-grads`. Stuck? `prep hint fix-param-grads`.
#
# 检查你的答案：`prep check fix-param-grads`。卡住了？`prep hint fix-param-grads`。

# %%
import torch
import torch.nn as nn

# %% [markdown]
# The seed's "complete source code" (§5.2) trains nothing: it runs one forward pass of an
# `nn.Linear(5, 3)`, an `nn.MSELoss`, `loss.backward()`, and then prints
# `linear_layer[0].grad`. Run the stub. Then read where the gradients really go:
#
# * `loss.backward()` stores a gradient in the `.grad` of every **parameter**
#   (`layer.weight.grad` has the weight's shape (3, 5), `layer.bias.grad` the bias's (3,)),
#   not one of the input's shape as the seed claims; `x.grad` stays None, because x does not
#   require grad.
# * `.grad` **accumulates**: a stale gradient from an earlier backward is added to, unless
#   it is cleared first (`layer.zero_grad()`, or set to None).
# * `nn.MSELoss` quietly broadcasts a target of the wrong shape (a (10, 1) target against a
#   (10, 3) output gives only a warning): refuse it.

# %%
def param_grads(layer, x, t):
    """{name: gradient} of nn.MSELoss()(layer(x), t) for every named parameter of layer, for this batch only.

    Afterwards each parameter's .grad holds exactly that gradient. Raises ValueError if t's shape differs
    from the output's.
    """
    loss_function = nn.MSELoss()
    output_tensor = layer(x)
    loss = loss_function(output_tensor, t)
    loss.backward()
    # the seed: print(linear_layer[0].grad)
    return layer[0].grad

# %% [markdown]
# Now the same gradients by hand, for a linear layer `out = x @ W.T + b` and
# `loss = mean((out - t) ** 2)` over all N * K elements (no autograd: the graders call this
# inside `torch.inference_mode()`, where autograd records nothing).

# %%
def linear_mse_grads(x, W, b, t):
    """(dL/dW, dL/db, dL/dx) for L = mean((x @ W.T + b - t) ** 2), with the shapes of W, b and x."""
    raise NotImplementedError("fix-param-grads: your code here")
