"""Violates 'the argmax otherwise (the first of tied maxima)': predict uses logits.topk(1, dim=1), which does not promise the first of tied entries (a row of four equal logits gives index 2)."""
import torch
from torch import nn
import torch.nn.functional as Fn


class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        dims = [input_size, *hidden_sizes, output_size]
        mods = []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            mods.append(nn.Linear(a, b))
            if i < len(dims) - 2:
                mods.append(nn.ReLU())
        self.model = nn.Sequential(*mods)

    def forward(self, x):
        return self.model(x)


def classification_loss(logits, y):
    if logits.dim() != 2 or y.dim() != 1 or y.shape[0] != logits.shape[0] or logits.shape[1] < 1:
        raise ValueError(f"bad shapes {tuple(logits.shape)} / {tuple(y.shape)}")
    if logits.shape[1] == 1:
        z = logits[:, 0]
        t = y.to(z.dtype)
        # log(1 + e^z) - t z, softplus being stable on both tails
        return (Fn.softplus(z, beta=1.0, threshold=1000.0) - t * z).mean()
    return Fn.cross_entropy(logits, y)


def predict(logits):
    if logits.shape[1] == 1:
        return torch.gt(logits[:, 0], 0).to(torch.int64)
    return logits.topk(1, dim=1).indices.squeeze(1)


def train_classifier(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = classification_loss(model(x), y)
        loss.backward()
        history.append(loss.item())
        opt.step()
    return history
