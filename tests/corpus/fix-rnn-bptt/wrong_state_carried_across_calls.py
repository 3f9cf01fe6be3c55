"""Violates "run the model from the previous chunk's final state detached (zeros at first)": the final hidden state of
one call is kept (per model) and used as the start of the next train_tbptt call, so a second call does not start from
zeros."""
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
        if h0 is None:
            h = x.new_zeros(B, self.hidden_size)
        else:
            h = h0[0]
        outs = []
        for t in range(T):
            h = torch.tanh(x[:, t] @ self.weight_ih_l0.T + self.bias_ih_l0 + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            outs.append(h)
        if outs:
            out = torch.stack(outs, dim=1)
        else:
            out = x.new_zeros(B, 0, self.hidden_size)
        return out, h.unsqueeze(0)


_carried = {}


def train_tbptt(model, head, xs, ys, k, optimizer):
    T = xs.shape[1]
    hidden = _carried.get(id(model))
    if hidden is not None and hidden.shape[1] != xs.shape[0]:
        hidden = None
    losses = []
    for start in range(0, T, k):
        optimizer.zero_grad()
        out, h_n = model(xs[:, start:start + k], hidden)
        logits = head(out)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[:, start:start + k].reshape(-1))
        loss.backward()
        optimizer.step()
        hidden = h_n.detach()
        losses.append(loss.item())
    _carried[id(model)] = hidden
    return losses


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        out, _ = model(xs)
        pred = head(out).argmax(-1)
        return (pred == ys).sum().item() / ys.numel()
