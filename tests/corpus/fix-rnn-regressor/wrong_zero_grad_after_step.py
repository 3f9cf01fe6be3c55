"""fit zeroes the gradients after each step instead of before each backward: gradients the model arrives with leak
into the first step ("The model may arrive with gradients left in its `.grad`: they must not leak into the first step")."""

import torch
import torch.nn as nn


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        _, h_n = self.rnn(x)  # no h0: nn.RNN starts from zeros on x's device and dtype
        return self.fc(h_n[-1])  # the top layer's state after the last step


def fit(model, x, y, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    out = []
    for _ in range(steps):
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()  # after the step: whatever .grad held when fit was called leaks into the first step
        out.append(float(loss))
    return out
