"""Violates: fit makes exactly 'steps' Adam steps: it stops early as soon as the loss goes up (returns fewer losses, fewer steps)."""
import torch
from torch import nn


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = x.new_zeros((self.num_layers, x.shape[0], self.hidden_size))
        seq, _ = self.rnn(x, h0)
        last = seq.select(1, seq.shape[1] - 1)
        return torch.addmm(self.fc.bias, last, self.fc.weight.T)


class _Fitter:
    def __init__(self, model, lr):
        self.model = model
        self.crit = nn.MSELoss()
        self.optim = torch.optim.Adam(params=list(model.parameters()), lr=lr)

    def step(self, x, y):
        self.optim.zero_grad()
        loss = self.crit(self.model(x), y)
        loss.backward()
        self.optim.step()
        return float(loss)


def fit(model, x, y, steps, lr):
    f = _Fitter(model, lr)
    out = []
    for _ in range(steps):
        out.append(f.step(x, y))
        if len(out) > 1 and out[-1] > out[-2]:
            break
    return out
