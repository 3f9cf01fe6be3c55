# %% [markdown]
# # Fix the seeds' CNNs: derive the flatten size, keep the batch dimension, return raw logits
#
# `fix-cnn-shapes` · fix-bug · easy · about 25 min
#
# The stubs are the seed's image classifier. Write the two shape formulas (integers in, integer out):
#
# * `conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1)`: one spatial side after `nn.Conv2d`;
# * `pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`: one side after
#   `nn.MaxPool2d` (stride None means kernel_size);
#
# each must equal what torch's layers produce for every valid configuration. Then fix
# `SimpleCNN(in_channels=3, n_classes=10, input_size=32)`: keep the seed's layers (`conv1 = Conv2d(in_channels, 32,
# kernel_size=5)`, ReLU, `max_pool2d(2)`, then `fc1`), but compute `fc1.in_features` from `input_size` (an int, or
# `(H, W)`) with your formulas, flatten without changing the batch size, and return raw logits `(B, n_classes)`.
# The given `train` loop (the seed's SGD with momentum and cross-entropy) must then learn noisy image prototypes.
#
# The seed hard-codes `Linear(32 * 14 * 14, 10)`, flattens with `x.view(-1, 32 * 7 * 7)` and applies a ReLU to the
# logits, so it crashes for every input size, and once the shapes are fixed it does not learn.
#
# Check your work: `prep check fix-cnn-shapes`. Stuck? `prep hint fix-cnn-shapes`.

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
