"""State across calls: the Adam optimizer kept in a module-level dict keyed by lr "to keep its moments". A second
fit with another model and the same lr steps the first model's parameters. Breaks "steps full-batch Adam steps ... on
nn.MSELoss()(model(x), y)" for the model given.
"""
import torch
import torch.nn as nn

_OPTS = {}

class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size, dtype=x.dtype, device=x.device)
        out, _ = self.rnn(x, h0)
        return self.fc(out[:, -1, :])


def fit(model, x, y, steps, lr):
    criterion = nn.MSELoss()
    if lr not in _OPTS:
        _OPTS[lr] = torch.optim.Adam(model.parameters(), lr=lr)
    optimizer = _OPTS[lr]
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        z = model(x)
        loss = criterion(z, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
