"""Breaks: "Its initial hidden state must follow x's device and dtype". Angle: F. How: h0 cached per batch size on the module, so a later input of another dtype reuses the first dtype's h0."""
"""Reference solution for fix-rnn-regressor (seeds 000-39, 004-16, 001-14). STUB regions hold the seed's code."""

# %%
import torch
import torch.nn as nn


# %% [markdown]
# The seed's RNN regressor feeds a 2-D batch (no time axis), reads `out[-1, :, :]` (the last
# *sample's* outputs at every step, since `batch_first=True`), has no head from the hidden size
# to the target, and builds h0 on the CPU in float32 whatever the input is.

# %%
class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super(SimpleRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        ### BEGIN SOLUTION
        self.fc = nn.Linear(hidden_size, output_size)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        cache = self.__dict__.setdefault("_h0", {})
        if x.size(0) not in cache:
            cache[x.size(0)] = x.new_zeros(self.num_layers, x.size(0), self.hidden_size)
        h0 = cache[x.size(0)]
        out, _ = self.rnn(x, h0)
        return self.fc(out[:, -1, :])  # each sequence's last time step: (B, hidden) -> (B, output_size)
        ### END SOLUTION
        ### BEGIN STUB
        # h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        # out, _ = self.rnn(x, h0)
        # return out[-1, :, :]
        ### END STUB


# %%
def fit(model, x, y, steps, lr):
    ### BEGIN SOLUTION
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.MSELoss()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION
    ### BEGIN STUB
    # criterion = nn.MSELoss()
    # optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    # losses = []
    # for epoch in range(steps):
    #     optimizer.zero_grad()
    #     z = model(x)
    #     loss = criterion(z, y)
    #     loss.backward()
    #     optimizer.step()
    #     losses.append(loss.item())
    # return losses
    ### END STUB
