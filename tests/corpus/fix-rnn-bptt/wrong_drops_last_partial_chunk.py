"""Loops over whole chunks only: when k does not divide T the last, shorter chunk is never trained on."""

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
    losses, state = [], None
    T = xs.shape[1]
    for start in range(0, T - k + 1, k):
        stop = min(start + k, T)
        out, state_new = model(xs[:, start:stop], state)
        logits = head(out)
        loss = F.cross_entropy(logits.flatten(0, 1), ys[:, start:stop].flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        state = state_new.detach()
        losses.append(float(loss))
    return losses


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        pred = head(model(xs)[0]).argmax(dim=-1)
    return float((pred == ys).sum()) / ys.numel()
