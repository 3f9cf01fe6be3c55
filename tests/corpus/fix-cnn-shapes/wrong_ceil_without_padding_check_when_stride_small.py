"""pool2d_out applies ceil_mode's 'the last window must start inside' correction only when stride >= kernel_size:
pool2d_out(4, 4, 3, 2, ceil_mode=True) gives 3, torch gives 2."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    num = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        out = -(-num // stride) + 1
        if stride >= kernel_size and (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = num // stride + 1
    return int(out)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super(SimpleCNN, self).__init__()
        h, w = _pair(input_size)
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        h, w = pool2d_out(conv2d_out(h, 5), 2), pool2d_out(conv2d_out(w, 5), 2)
        self.fc1 = nn.Linear(32 * h * w, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc1(x)


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
