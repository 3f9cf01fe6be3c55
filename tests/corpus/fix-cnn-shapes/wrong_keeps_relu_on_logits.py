"""Fixes the shapes but keeps the seed's ReLU on the logits, so they are never negative and training stalls."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv2d_out(size, kernel_size, stride=1, padding=0, dilation=1):
    effective = dilation * (kernel_size - 1) + 1
    return math.floor((size + 2 * padding - effective) / stride) + 1


def pool2d_out(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    effective = dilation * (kernel_size - 1) + 1
    if not ceil_mode:
        return (size + 2 * padding - effective) // stride + 1
    out = -(-(size + 2 * padding - effective) // stride) + 1
    if (out - 1) * stride >= size + padding:
        out = out - 1
    return out


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, n_classes=10, input_size=32):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        self.fc1 = nn.LazyLinear(n_classes)
        h, w = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        with torch.no_grad():
            self.forward(torch.zeros(1, in_channels, h, w))  # materialises fc1 with the right in_features

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        return F.relu(self.fc1(x.reshape(x.shape[0], -1)))


def train(model, x, y, epochs, batch_size, lr=0.01):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()
