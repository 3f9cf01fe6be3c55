"""A correct solution written differently: the repeats through F.linear on mid's own weight and bias with
itertools.repeat, forward_until as a for loop with break, and gradients reset by setting p.grad = None by hand
before each step."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F


class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x, depth):
        h = F.relu(self.fc1(x))
        for _ in itertools.repeat(None, depth):
            h = F.relu(F.linear(h, self.mid.weight, self.mid.bias))
        return self.fc2(h)

    def forward_until(self, x, threshold, max_depth):
        h = F.relu(self.fc1(x))
        used = 0
        for used in range(max_depth + 1):
            if used == max_depth or not float(h.abs().mean()) > threshold:
                break
            h = F.relu(self.mid(h))
        return self.fc2(h), int(used)


def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    gen = torch.Generator()
    gen.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"losses": [], "depths": []}
    for _ in range(steps):
        d = torch.randint(0, max_depth + 1, (1,), generator=gen).item()
        for p in model.parameters():
            p.grad = None
        loss = F.mse_loss(model(x, d), y)
        loss.backward()
        opt.step()
        history["losses"].append(float(loss))
        history["depths"].append(int(d))
    return history
