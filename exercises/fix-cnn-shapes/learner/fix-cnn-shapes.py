# %% [markdown]
# # Fix the sample answers' CNNs: derive the flatten size, keep the batch dimension, return raw logits
#
# `fix-cnn-shapes` · fix-bug / 修复 bug · easy / 简单 · about 25 min / 约 25 分钟
#
# The stubs are the sample answer's image classifier. Write the two shape formulas (integers in, a Python int out):
#
# * `conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1)`: one spatial side after `nn.Conv2d`;
# * `pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`: one side after
#   `nn.MaxPool2d` (stride None means kernel_size);
#
# each must equal what torch's layers produce for every valid configuration, whether the arguments are passed by
# position, by keyword or left at their defaults. Then fix
# `SimpleCNN(in_channels=3, n_classes=10, input_size=32)`: keep the sample answer's layers (`conv1 = Conv2d(in_channels, 32,
# kernel_size=5)`, ReLU, `max_pool2d(2)`, then `fc1`), but compute `fc1.in_features` from `input_size` (an int, or
# `(H, W)`) with your formulas, flatten as `torch.flatten(x, 1)` does (channels, then height, then width) without changing the batch size (x may come in any memory format, channels_last included), and return raw logits `(B, n_classes)`.
# The given `train` loop (the sample answer's SGD with momentum and cross-entropy) must then learn noisy image prototypes.
#
# The sample answer hard-codes `Linear(32 * 14 * 14, 10)`, flattens with `x.view(-1, 32 * 7 * 7)` and applies a ReLU to the
# logits, so it crashes for every input size, and once the shapes are fixed it does not learn.
#
# 初始代码是示例答案中的图像分类器。编写两个形状公式（输入整数，输出一个 Python int）：
#
# * `conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1)`：经过 `nn.Conv2d` 之后一条空间边的长度；
# * `pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`：经过 `nn.MaxPool2d` 之后一条边的长度（stride 为 None 表示取 kernel_size）；
#
# 对每一种合法配置，无论参数是按位置传入、按关键字传入还是使用默认值，每个公式都必须等于 torch 的层实际得到的结果。然后修好 `SimpleCNN(in_channels=3, n_classes=10, input_size=32)`：保留示例答案的层（`conv1 = Conv2d(in_channels, 32, kernel_size=5)`、ReLU、`max_pool2d(2)`，然后是 `fc1`），但用你的公式根据 `input_size`（一个 int，或 `(H, W)`）计算 `fc1.in_features`，像 `torch.flatten(x, 1)` 那样展平（先通道，再高，再宽），不改变批大小（x 可能是任意内存格式，包括 channels_last），并返回原始 logits `(B, n_classes)`。这样一来，给定的 `train` 循环（示例答案中带动量的 SGD 和交叉熵）必须能学会带噪声的图像原型。
#
# 示例答案硬编码了 `Linear(32 * 14 * 14, 10)`，用 `x.view(-1, 32 * 7 * 7)` 展平，并对 logits 施加 ReLU，所以它对任何输入尺寸都会崩溃，而形状修好之后它又学不会。
#
# Check your work: `prep check fix-cnn-shapes`. Stuck? `prep hint fix-cnn-shapes`.
#
# 检查你的答案：`prep check fix-cnn-shapes`。卡住了？`prep hint fix-cnn-shapes`。

# %%
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# Every CNN in the seeds crashes on shapes: the flatten size before the first Linear is
# hard-coded and wrong for the input it is fed. Derive it instead. For one spatial side:
#
#     conv:     out = floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
#     max pool: the same with stride defaulting to kernel_size; with ceil_mode=True, ceil
#               instead of floor, minus one if the last window would start beyond size + padding.
#
# Both return a Python int, whether the arguments come by position, by keyword or are left at
# their defaults. SimpleCNN keeps the seed's layers, sizes fc1 from `input_size` (an int or
# `(H, W)`), keeps the batch dimension and returns raw logits `(B, n_classes)`.

# %%
def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    raise NotImplementedError("fix-cnn-shapes: your code here")


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    raise NotImplementedError("fix-cnn-shapes: your code here")

# %%
class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=5)
        self.fc1 = nn.Linear(32 * 14 * 14, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        x = x.view(-1, 32 * 7 * 7)
        x = nn.functional.relu(self.fc1(x))
        return x

# %%
def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
