"""Right, other algorithm: forward_until first finds the depth under no_grad (same activations,
same comparisons), then returns self.forward(x, depth), which records the graph.
"""
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
        for _ in range(depth):
            h = F.relu(self.mid(h))
        return self.fc2(h)

    def forward_until(self, x, threshold, max_depth):
        with torch.no_grad():
            h = F.relu(self.fc1(x))
            depth = 0
            while depth < max_depth and bool(h.abs().mean() > threshold):
                h = F.relu(self.mid(h))
                depth += 1
        return self.forward(x, depth), depth


def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses, depths = [], []
    for _ in range(steps):
        depth = int(torch.randint(0, max_depth + 1, (1,), generator=g))
        opt.zero_grad()
        loss = F.mse_loss(model(x, depth), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        depths.append(depth)
    return {"losses": losses, "depths": depths}
