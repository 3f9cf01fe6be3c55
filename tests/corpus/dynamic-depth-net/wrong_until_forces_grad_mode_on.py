"""Breaks: "Leave torch's process-wide settings as you found them too (grad mode, default dtype, anomaly detection, autocast): change one only inside a `with` block." (learner README). Angle: L. How: forward_until reads the stopping statistic with grad mode off and ends with torch.set_grad_enabled(True), which turns grad mode on for a caller under no_grad."""


# %%
import torch
import torch.nn as nn
import torch.nn.functional as F


# %% [markdown]
# The seed's "dynamic" network is a fixed two-layer MLP: nothing about it needs a dynamic
# graph. Here the depth is decided at run time: `forward(x, depth)` applies the same
# shared layer `mid` `depth` times, and `forward_until` keeps applying it while the hidden
# activations are still large, so the input itself decides how deep the graph gets.
# Autograd records whatever ran; the shared weights collect the gradients of every use.
#
# Details the graders hold you to: forward_until stops as soon as mean |h| is not strictly above
# the threshold (or max_depth layers have run) and returns the depth as a Python int;
# train_dynamic zeroes gradients with zero_grad() (to None) before each step, so that at a
# depth-0 step Adam leaves mid alone and stale gradients never reach the first step.

# %%
class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x, depth):
        ### BEGIN SOLUTION
        h = torch.relu(self.fc1(x))
        for _ in range(depth):
            h = torch.relu(self.mid(h))  # the same module each time: its weights are shared
        return self.fc2(h)
        ### END SOLUTION

    def forward_until(self, x, threshold, max_depth):
        ### BEGIN SOLUTION
        h = torch.relu(self.fc1(x))
        depth = 0
        prev = torch.is_grad_enabled()
        while depth < max_depth:
            torch.set_grad_enabled(False)
            stat = h.abs().mean().item()
            torch.set_grad_enabled(prev)
            if not stat > threshold:
                break
            h = torch.relu(self.mid(h))
            depth += 1
        torch.set_grad_enabled(True)
        return self.fc2(h), depth
        ### END SOLUTION


# %%
def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    ### BEGIN SOLUTION
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, depths = [], []
    for _ in range(steps):
        depth = int(torch.randint(0, max_depth + 1, (1,), generator=g))
        optimizer.zero_grad()
        loss = F.mse_loss(model(x, depth), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        depths.append(depth)
    return {"losses": losses, "depths": depths}
    ### END SOLUTION
