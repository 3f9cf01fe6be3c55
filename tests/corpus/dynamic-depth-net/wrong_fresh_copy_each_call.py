"""Deep-copies mid for every use, so the layers are not shared and mid itself never gets a gradient."""

import copy
import random

import torch
import torch.nn as nn
import torch.nn.functional as F


class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def _repeat(self, h, k):
        return h if k == 0 else self._repeat(F.relu(copy.deepcopy(self.mid)(h)), k - 1)

    def forward(self, x, depth):
        return self.fc2(self._repeat(F.relu(self.fc1(x)), depth))

    def forward_until(self, x, threshold, max_depth):
        h = F.relu(self.fc1(x))
        used = 0
        for _ in range(max_depth):
            if float(h.abs().mean()) <= threshold:
                break
            h = F.relu(self.mid(h))
            used += 1
        return self.fc2(h), used


def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    gen = torch.Generator()
    gen.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    out = {"losses": [], "depths": []}
    for _ in range(steps):
        d = torch.randint(0, max_depth + 1, (1,), generator=gen).item()
        loss = F.mse_loss(model(x, d), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        out["losses"].append(float(loss))
        out["depths"].append(int(d))
    return out
