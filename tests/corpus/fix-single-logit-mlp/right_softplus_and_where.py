"""A correct solution written differently: the layers from zip(sizes, sizes[1:]), the binary loss as
mean(softplus(l) - y * l) (stable: softplus is), predict with torch.where, the shape check with explicit tuples,
and zero_grad(set_to_none=True) at the top of each epoch."""

import torch
from torch import nn
from torch.nn import functional as fn


class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        sizes = [input_size, *hidden_sizes, output_size]
        mods = []
        for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
            if k:
                mods.append(nn.ReLU())
            mods.append(nn.Linear(a, b))
        self.model = nn.Sequential(*mods)

    def forward(self, x):
        return self.model(x)


def classification_loss(logits, y):
    if len(logits.shape) != 2 or tuple(y.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and y (N,)")
    if logits.shape[1] > 1:
        return fn.cross_entropy(logits, y)
    l = logits.squeeze(1)
    return (fn.softplus(l) - y.to(l.dtype) * l).mean()


def predict(logits):
    if logits.shape[1] == 1:
        return torch.where(logits[:, 0] > 0, 1, 0).to(torch.int64)
    return torch.max(logits, dim=1).indices


def train_classifier(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr)
    out = []
    for _ in range(epochs):
        opt.zero_grad(set_to_none=True)
        loss = classification_loss(model(x), y)
        loss.backward()
        opt.step()
        out.append(float(loss))
    return out
