"""predict uses logit >= 0 for one logit: a logit of exactly 0 (probability 1/2) becomes class 1."""

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
        return F.binary_cross_entropy_with_logits(logits[:, 0], y.to(logits.dtype))
    return F.cross_entropy(logits, y)


def predict(logits):
    if logits.shape[1] == 1:
        return (logits[:, 0] >= 0).long()
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
