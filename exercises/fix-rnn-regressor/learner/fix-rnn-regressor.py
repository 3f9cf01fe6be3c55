# %% [markdown]
# # Fix the sample answer's RNN regressor: a time axis, the last step of each sequence, a head, and h0 that follows x
#
# `fix-rnn-regressor` · fix-bug / 修复 bug · medium / 中等 · about 25 min / 约 25 分钟
#
# The stub is the sample answer's `SimpleRNN`. Fix it, as `SimpleRNN(input_size, hidden_size, num_layers, output_size=1)`:
# keep `self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)`, add a head
# `self.fc = nn.Linear(hidden_size, output_size)`, and make `forward(x)` take a batch of sequences `(B, T,
# input_size)` and return `fc` applied to each sequence's last time step: `(B, output_size)`. Its initial hidden state
# must follow x's device and dtype (a float64 input gives a float64 output, a float32 one float32).
#
# Then `fit(model, x, y, steps, lr)`: `steps` full-batch Adam steps (learning rate `lr`) on `nn.MSELoss()(model(x), y)`,
# returning the list of the losses as floats (the graders train a few hundred steps on a few hundred sequences under a time limit: `forward` runs the whole batch through `self.rnn` in one call, with no Python loop over the samples). The model may arrive with gradients left in its `.grad`: they must not
# leak into the first step. Trained on windows of noisy sines, the model must predict the next
# value with less than half the error of repeating the last one.
#
# The sample answer feeds a batch with no time axis, reads `out[-1, :, :]` (the last sample, not the last step), has no head, and
# creates h0 on the CPU in float32.
#
# 初始代码是示例答案的 `SimpleRNN`。把它修好，写成 `SimpleRNN(input_size, hidden_size, num_layers, output_size=1)`：保留 `self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)`，添加一个输出头 `self.fc = nn.Linear(hidden_size, output_size)`，并让 `forward(x)` 接受一批序列 `(B, T, input_size)`，返回对每个序列最后一个时间步应用 `fc` 的结果：`(B, output_size)`。它的初始隐藏状态必须跟随 x 的设备和 dtype（float64 输入得到 float64 输出，float32 输入得到 float32 输出）。
#
# 然后编写 `fit(model, x, y, steps, lr)`：在 `nn.MSELoss()(model(x), y)` 上执行 `steps` 步全批量 Adam（学习率 `lr`），以 float 列表返回各步的损失（评分项会在时间限制内用几百条序列训练几百步：`forward` 一次调用 `self.rnn` 处理整个批次，不对样本写 Python 循环）。模型带进来时 `.grad` 中可能留有梯度：它们不能泄漏到第一步中。在带噪声的正弦波窗口上训练之后，模型预测下一个值的误差必须小于“重复最后一个值”这一做法的误差的一半。
#
# 示例答案喂入的批次没有时间轴，读取的是 `out[-1, :, :]`（最后一个样本，而不是最后一个时间步），没有输出头，并且在 CPU 上以 float32 创建 h0。
#
# Check your work: `prep check fix-rnn-regressor`. Stuck? `prep hint fix-rnn-regressor`.
#
# 检查你的答案：`prep check fix-rnn-regressor`。卡住了？`prep hint fix-rnn-regressor`。

# %%
import torch
import torch.nn as nn

# %% [markdown]
# The seed's RNN regressor feeds a 2-D batch (no time axis), reads `out[-1, :, :]` (the last
# *sample's* outputs at every step, since `batch_first=True`), has no head from the hidden size
# to the target, and builds h0 on the CPU in float32 whatever the input is.

# %%
class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        raise NotImplementedError("fix-rnn-regressor: your code here")

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        out, _ = self.rnn(x, h0)
        return out[-1, :, :]

# %%
def fit(model, x, y, steps, lr):
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        z = model(x)
        loss = criterion(z, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
