"""Violates: sequence_accuracy is correct / (B*T) with the prediction argmax: a step counts as correct when the target's logit equals the maximum, so tied logits (e.g. a zero head) count every tied class as correct (accuracy up to 100%)."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.H = hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.zeros(hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.zeros(hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.zeros(hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.zeros(hidden_size))
        r = 1 / math.sqrt(hidden_size)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.rand_like(p) * (2 * r) - r)

    def step(self, x_t, h):
        return torch.tanh(F.linear(x_t, self.weight_ih_l0, self.bias_ih_l0)
                          + F.linear(h, self.weight_hh_l0, self.bias_hh_l0))

    def forward(self, x, h0=None):
        h = torch.zeros(x.shape[0], self.H, dtype=x.dtype, device=x.device) if h0 is None else h0[0]
        outs = []
        for x_t in x.unbind(1):
            h = self.step(x_t, h)
            outs.append(h)
        out = torch.stack(outs, dim=1) if outs else x.new_empty(x.shape[0], 0, self.H)
        return out, h.unsqueeze(0)


def train_tbptt(model, head, xs, ys, k, optimizer):
    T = xs.size(1)
    losses, h, start = [], None, 0
    while start < T:
        stop = min(start + k, T)
        optimizer.zero_grad(set_to_none=True)
        out, h_last = model(xs[:, start:stop], h)
        logits = head(out)
        loss = F.cross_entropy(logits.transpose(1, 2), ys[:, start:stop])  # (B, C, t) form
        loss.backward()
        optimizer.step()
        h = h_last.detach()
        losses.append(loss.item())
        start = stop
    return losses


def sequence_accuracy(model, head, xs, ys):
    correct = 0
    with torch.no_grad():
        out, _ = model(xs)
        lg = head(out)
        correct = int((lg.gather(-1, ys.unsqueeze(-1)).squeeze(-1) >= lg.max(-1).values).sum())
    return correct / (ys.shape[0] * ys.shape[1])
