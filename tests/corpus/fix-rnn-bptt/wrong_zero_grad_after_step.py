"""Violates "per chunk, zero the gradients, ..., back-propagate and step": zero_grad is called after step instead of
before the backward, so the first chunk steps with whatever .grad the caller left on the parameters."""
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


def train_tbptt(model, head, xs, ys, k, optimizer):
    T = xs.shape[1]
    hidden = None
    losses = []
    for start in range(0, T, k):
        out, h_n = model(xs[:, start:start + k], hidden)
        logits = head(out)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[:, start:start + k].reshape(-1))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        hidden = h_n.detach()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        out, _ = model(xs)
        pred = head(out).argmax(-1)
        return (pred == ys).sum().item() / ys.numel()
