"""Angle: mutating an input: the recurrence writes into h0's storage (h0[0].copy_(...) each step,
"reuse the buffer") when one is given. Breaks: "Leave the tensors ... your code is given as they were".
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        k = 1.0 / math.sqrt(hidden_size)
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))

    def forward(self, x, h0=None):
        B, T, _ = x.shape
        h = x.new_zeros(B, self.hidden_size) if h0 is None else h0[0]
        outs = []
        for t in range(T):
            h = torch.tanh(x[:, t] @ self.weight_ih_l0.T + self.bias_ih_l0 + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            outs.append(h)
            if h0 is not None and not torch.is_grad_enabled():
                h0[0].copy_(h)
        return torch.stack(outs, dim=1), h.unsqueeze(0)


def train_tbptt(model, head, xs, ys, k, optimizer):
    hidden = None
    losses = []
    for start in range(0, xs.shape[1], k):
        optimizer.zero_grad()
        output, hidden = model(xs[:, start:start + k], None if hidden is None else hidden.detach())
        logits = head(output)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[:, start:start + k].reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        output, _ = model(xs)
        predicted = head(output).argmax(-1)
    return (predicted == ys).sum().item() / ys.numel()
