"""VIOLATES "flatten without changing the batch size" for any input: flattens with h.view(h.size(0), -1), which raises for a channels_last (or otherwise non-contiguous) input batch, whose conv/pool outputs keep that memory format."""

import torch
from torch import nn
import torch.nn.functional as Fn


def _span(kernel_size, dilation):
    return dilation * (kernel_size - 1) + 1


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    return int((size + 2 * padding - _span(kernel_size, dilation)) // stride + 1)


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    step = kernel_size if stride is None else stride
    room = size + 2 * padding - _span(kernel_size, dilation)
    if not ceil_mode:
        return int(room // step + 1)
    n = -(-room // step) + 1
    if (n - 1) * step >= size + padding:
        n -= 1
    return int(n)


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super().__init__()
        hw = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        sides = [pool2d_out(conv2d_out(s, 5), 2) for s in hw]
        self.fc1 = nn.Linear(32 * sides[0] * sides[1], n_classes)

    def forward(self, x):
        h = Fn.max_pool2d(Fn.relu(self.conv1(x)), 2)
        return self.fc1(h.view(h.size(0), -1))


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
