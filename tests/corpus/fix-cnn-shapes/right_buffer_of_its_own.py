"""Right: SimpleCNN registers a buffer of its own (an int version tag) beside the parameters the task fixes."""
"""Reference solution for fix-cnn-shapes (seeds 004-24 and the other CNN answers). STUB regions hold the seed's code."""

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
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    stride = kernel_size if stride is None else stride
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # the last window must start inside the input or its left padding
    return out


# %%
class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super(SimpleCNN, self).__init__()
        self.register_buffer("version", torch.tensor(2))  # a buffer of my own: which fix this is
        h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        h, w = pool2d_out(conv2d_out(h, 5), 2), pool2d_out(conv2d_out(w, 5), 2)
        self.fc1 = nn.Linear(32 * h * w, n_classes)
        ### BEGIN STUB
        # self.conv1 = nn.Conv2d(3, 32, kernel_size=5)
        # self.fc1 = nn.Linear(32 * 14 * 14, 10)
        ### END STUB

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        x = torch.flatten(x, 1)  # keeps the batch dimension, whatever the input size
        return self.fc1(x)  # raw logits: CrossEntropyLoss applies the log-softmax itself
        ### BEGIN STUB
        # x = x.view(-1, 32 * 7 * 7)
        # x = nn.functional.relu(self.fc1(x))
        # return x
        ### END STUB


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
