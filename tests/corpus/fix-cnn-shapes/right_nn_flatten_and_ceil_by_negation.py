"""A correct solution written differently: one helper for both formulas, ceil division by negation with the
ceil_mode correction, (H, W) normalised with a tuple() call, and an nn.Flatten module in forward."""

import torch
from torch import nn


def _side(size, k, stride, padding, dilation, ceil=False):
    span = size + 2 * padding - dilation * (k - 1) - 1
    n = (-(-span // stride) if ceil else span // stride) + 1
    if ceil and (n - 1) * stride >= size + padding:
        n -= 1
    return int(n)


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    return _side(size, kernel_size, stride, padding, dilation)


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _side(size, kernel_size, kernel_size if stride is None else stride, padding, dilation, ceil_mode)


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super().__init__()
        hw = (input_size,) * 2 if isinstance(input_size, int) else tuple(input_size)
        sides = [pool2d_out(conv2d_out(s, kernel_size=5), kernel_size=2) for s in hw]
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        self.fc1 = nn.Linear(32 * sides[0] * sides[1], n_classes)
        self.flat = nn.Flatten()

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        return self.fc1(self.flat(x))


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
