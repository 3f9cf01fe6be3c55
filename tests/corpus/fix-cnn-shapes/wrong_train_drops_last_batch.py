"""Violates "The given `train` loop (the seed's SGD with momentum and cross-entropy)": changes the loop to range(0, len(x) - batch_size + 1, batch_size), so the last, shorter batch is never trained on (and nothing is when len(x) < batch_size)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    return int((size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1)


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    num = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        out = -(-num // stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = num // stride + 1
    return int(out)


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super(SimpleCNN, self).__init__()
        if isinstance(input_size, int):
            h, w = input_size, input_size
        else:
            h, w = input_size
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        h, w = pool2d_out(conv2d_out(h, 5), 2), pool2d_out(conv2d_out(w, 5), 2)
        self.fc1 = nn.Linear(32 * h * w, n_classes)

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc1(x)


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x) - batch_size + 1, batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
