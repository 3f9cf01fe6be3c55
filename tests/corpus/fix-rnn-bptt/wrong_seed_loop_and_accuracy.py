"""A correct ElmanRNN with the seed's loop: backward and step at every time step through an undetached state (raises), and the seed's over-counting accuracy."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size))
        k = hidden_size ** -0.5
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def forward(self, x, h0=None):
        B, T, _ = x.shape
        h = torch.zeros(B, self.hidden_size, dtype=x.dtype, device=x.device) if h0 is None else h0.squeeze(0)
        inputs = F.linear(x, self.weight_ih_l0, self.bias_ih_l0)  # all time steps at once
        outs = []
        for t in range(T):
            h = torch.tanh(inputs[:, t] + F.linear(h, self.weight_hh_l0, self.bias_hh_l0))
            outs.append(h)
        return torch.stack(outs, 1), h[None]


def train_tbptt(model, head, xs, ys, k, optimizer):
    hidden = None
    losses = []
    for i in range(xs.shape[1]):
        output, hidden = model(xs[:, i:i + 1], hidden)
        loss = F.cross_entropy(head(output[:, 0]), ys[:, i])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    correct = 0
    total = 0
    with torch.no_grad():
        hidden = None
        for i in range(xs.shape[1]):
            output, hidden = model(xs[:, i:i + 1], hidden)
            predicted = head(output[:, 0]).argmax(1)
            total += ys.T.size(0)
            correct += (predicted == ys.T).sum().item()
    return correct / total
