"""Violates "forward(x, h0=None) ... outputs and gradients must equal nn.RNN's": a given h0 (1, B, H) is turned into the state with h0.squeeze(), which also drops the hidden axis when hidden_size == 1 (and the batch axis when B == 1 too), so with H == 1 and an explicit h0 the first step's h @ W_hh.T fails or broadcasts wrongly."""

import math

import torch
from torch import nn
from torch.nn import functional as Fn


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        bound = 1.0 / math.sqrt(hidden_size)

        def u(*shape):
            return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))
        self.weight_ih_l0 = u(hidden_size, input_size)
        self.weight_hh_l0 = u(hidden_size, hidden_size)
        self.bias_ih_l0 = u(hidden_size)
        self.bias_hh_l0 = u(hidden_size)

    def forward(self, x, h0=None):
        B, T, _ = x.shape
        h = x.new_zeros(B, self.hidden_size) if h0 is None else h0.squeeze()
        xin = torch.einsum("bti,hi->bth", x, self.weight_ih_l0) + self.bias_ih_l0
        steps = []
        for t in range(T):
            h = torch.tanh(xin[:, t] + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            steps.append(h)
        out = torch.stack(steps, dim=1) if steps else x.new_zeros(B, 0, self.hidden_size)
        return out, h.unsqueeze(0)


def train_tbptt(model, head, xs, ys, k, optimizer):
    T = xs.shape[1]
    state = None
    losses = []
    for s in range(0, T, k):
        optimizer.zero_grad()
        model.zero_grad()
        head.zero_grad()
        out, h_n = model(xs[:, s:s + k], state)
        logits = head(out)
        loss = Fn.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[:, s:s + k].reshape(-1))
        loss.backward()
        optimizer.step()
        state = h_n.detach()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        out, _ = model(xs)
        pred = head(out).argmax(dim=-1)
    return (pred == ys).sum().item() / float(ys.numel())
