"""Single-logit loss as F.binary_cross_entropy(torch.sigmoid(logit), y): equal for moderate logits, but at +-40
the sigmoid rounds to exactly 0 or 1 and the log is clamped at -100, so the loss is 100 where it should be 40."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers = []
        for hidden_size in hidden_sizes:
            layers += [nn.Linear(input_size, hidden_size), nn.ReLU()]
            input_size = hidden_size
        layers.append(nn.Linear(input_size, output_size))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def classification_loss(logits, y):
    if logits.dim() != 2 or y.shape != (logits.shape[0],):
        raise ValueError("expected logits (N, C) and targets (N,)")
    if logits.shape[1] == 1:
        return F.binary_cross_entropy(torch.sigmoid(logits[:, 0]), y.to(logits.dtype))
    return F.cross_entropy(logits, y)


def predict(logits):
    if logits.shape[1] == 1:
        return (logits[:, 0] > 0).long()
    return logits.argmax(dim=1)


def train_classifier(model, x, y, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = classification_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
