"""Correct: the binary loss written with logsigmoid, layers built from consecutive sizes."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        sizes = [input_size, *hidden_sizes, output_size]
        layers = []
        for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if k < len(sizes) - 2:
                layers.append(nn.ReLU())
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def classification_loss(logits, y):
    if logits.ndim != 2 or y.ndim != 1 or y.shape[0] != logits.shape[0]:
        raise ValueError("logits must be (N, C) and y (N,)")
    if logits.shape[1] > 1:
        return F.cross_entropy(logits, y)
    z = logits.squeeze(1)
    t = y.to(z.dtype)
    return -(t * F.logsigmoid(z) + (1 - t) * F.logsigmoid(-z)).mean()


def predict(logits):
    if logits.shape[1] > 1:
        return logits.argmax(1)
    return (logits.squeeze(1) > 0).to(torch.int64)


def train_classifier(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        loss = classification_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(float(loss))
    return history
