"""Channel: torch.ops.aten.rnn_tanh_cell called once per time step (the recurrence loop is ours, the cell is not)."""

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
        h = x.new_zeros(x.shape[0], self.hidden_size) if h0 is None else h0[0]
        outs = []
        for t in range(x.shape[1]):
            h = torch.ops.aten.rnn_tanh_cell(x[:, t], h, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0,
                                             self.bias_hh_l0)
            outs.append(h)
        return torch.stack(outs, 1), h[None]


def train_tbptt(model, head, xs, ys, k, optimizer):
    losses, state = [], None
    T = xs.shape[1]
    for start in range(0, T, k):
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
