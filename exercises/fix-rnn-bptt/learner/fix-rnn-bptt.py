# %% [markdown]
# # An Elman RNN by hand and truncated backpropagation through time (the sample answer's per-step loop crashes)
#
# `fix-rnn-bptt` · fix-bug / 修复 bug · hard / 困难 · about 40 min / 约 40 分钟
#
# Write `ElmanRNN(input_size, hidden_size)`, an `nn.Module` with the parameters of a one-layer `nn.RNN`
# (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, initialised uniformly in +-1/sqrt(hidden_size)) whose
# `forward(x, h0=None)` takes `(B, T, input_size)` and returns `(out (B, T, H), h_n (1, B, H))` with
# `h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`: outputs and gradients must equal `nn.RNN`'s, in float32 and
# float64.
#
# Then fix the sample answer's loop as `train_tbptt(model, head, xs, ys, k, optimizer)`: split the `T` steps into chunks of
# `k` (the last one shorter when `k` does not divide `T`); per chunk, zero the gradients, run the model from the previous
# chunk's final state detached (zeros at first), compute the mean cross-entropy of `head(out)` against the chunk's
# targets `ys (B, T)`, back-propagate and step; return the chunk losses as floats. And
# `sequence_accuracy(model, head, xs, ys)`: correct / (B * T) as a float.
#
# `nn.RNN`, `nn.RNNCell`, `nn.GRU`, `nn.GRUCell` and torch's recurrent kernels are switched off. The sample answer calls backward
# at every time step through a hidden state it never detaches, which raises, and its accuracy exceeds 100%.
#
# 编写 `ElmanRNN(input_size, hidden_size)`，一个 `nn.Module`，它具有单层 `nn.RNN` 的参数（`weight_ih_l0`、`weight_hh_l0`、`bias_ih_l0`、`bias_hh_l0`，在 +-1/sqrt(hidden_size) 范围内均匀初始化），它的 `forward(x, h0=None)` 接受 `(B, T, input_size)`，按 `h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)` 返回 `(out (B, T, H), h_n (1, B, H))`：在 float32 和 float64 下，输出和梯度都必须与 `nn.RNN` 的相同。
#
# 然后把示例答案的循环修好，写成 `train_tbptt(model, head, xs, ys, k, optimizer)`：把 `T` 个时间步切成长度为 `k` 的块（`k` 不能整除 `T` 时最后一块较短）；对每一块，清零梯度，从上一块的最终状态（detach 之后；第一块用全零）开始运行模型，计算 `head(out)` 相对于该块目标（取自 `ys (B, T)`）的平均交叉熵，反向传播并执行一步；以 float 返回各块的损失。以及 `sequence_accuracy(model, head, xs, ys)`：以 float 返回 correct / (B * T)。
#
# `nn.RNN`、`nn.RNNCell`、`nn.GRU`、`nn.GRUCell` 以及 torch 的循环网络内核都已被禁用。示例答案在每个时间步都调用 backward，所经过的隐藏状态从未 detach，这会抛出异常，而且它的准确率超过 100%。
#
# Check your work: `prep check fix-rnn-bptt`. Stuck? `prep hint fix-rnn-bptt`.
#
# 检查你的答案：`prep check fix-rnn-bptt`。卡住了？`prep hint fix-rnn-bptt`。

# %%
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# An Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh). The seed's cell has no
# tanh (so it is linear), and its loop calls backward and step at every time step through a
# hidden state it never detaches: the second step's backward reaches into the first step's
# freed graph, whose weights step() has already changed. Truncated BPTT instead cuts the
# sequence into chunks of k steps: one zero_grad / forward / backward / step per chunk,
# carrying the hidden state's value (detached) into the next chunk.

# %%
class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        raise NotImplementedError("fix-rnn-bptt: your code here")

    def forward(self, x, h0=None):
        raise NotImplementedError("fix-rnn-bptt: your code here")

# %%
def train_tbptt(model, head, xs, ys, k, optimizer):
    hidden = None
    losses = []
    for i in range(xs.shape[1]):
        output, hidden = model(xs[:, i:i + 1], hidden)
        loss = F.cross_entropy(head(output[:, 0]), ys[:, i])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    correct = 0
    total = 0
    with torch.no_grad():
        hidden = None
        for i in range(xs.shape[1]):
            output, hidden = model(xs[:, i:i + 1], hidden)
            predicted = head(output[:, 0]).argmax(1)
            total += ys.T.size(0)
            correct += (predicted == ys.T).sum().item()
    return correct / total
