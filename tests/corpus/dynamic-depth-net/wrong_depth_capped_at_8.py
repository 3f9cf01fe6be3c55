"""Violates 'h = relu(mid(h)) exactly depth times': the repeat count is capped at 8 (a 'safety' limit), so a depth above 8 is silently truncated."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Adam as _Adam


class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def _trunk(self, x, keep_going):
        h = F.relu(self.fc1(x))
        n = 0
        while keep_going(h, n):
            h = F.relu(self.mid(h))
            n += 1
        return self.fc2(h), n

    def forward(self, x, depth):
        return self._trunk(x, lambda h, n: n < min(depth, 8))[0]

    def forward_until(self, x, threshold, max_depth):
        out, n = self._trunk(x, lambda h, n: n < max_depth and h.abs().mean().item() > threshold)
        return out, n


class _Trainer:
    def __init__(self, model, lr, max_depth, seed):
        self.model = model
        self.opt = _Adam(model.parameters(), lr)
        self.g = torch.Generator().manual_seed(seed)
        self.max_depth = max_depth

    def step(self, x, y):
        depth = int(torch.randint(0, self.max_depth + 1, (1,), generator=self.g))
        self.opt.zero_grad()
        loss = F.mse_loss(self.model(x, depth), y)
        loss.backward()
        self.opt.step()
        return float(loss), depth


def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    tr = _Trainer(model, lr, max_depth, seed)
    pairs = [tr.step(x, y) for _ in range(steps)]
    return {"losses": [p[0] for p in pairs], "depths": [p[1] for p in pairs]}
