"""The seed's SimpleRNN unchanged: out[-1, :, :], no head, CPU float32 h0."""

# %% [markdown]
# # Fix the seed's RNN regressor: a time axis, the last step of each sequence, a head, and h0 that follows x
#
# `fix-rnn-regressor` · fix-bug · medium · about 25 min
#
# The stub is the seed's `SimpleRNN`. Fix it, as `SimpleRNN(input_size, hidden_size, num_layers, output_size=1)`:
# keep `self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)`, add a head
# `self.fc = nn.Linear(hidden_size, output_size)`, and make `forward(x)` take a batch of sequences `(B, T,
# input_size)` and return `fc` applied to each sequence's last time step: `(B, output_size)`. Its initial hidden state
# must follow x's device and dtype (a float64 input gives a float64 output).
#
# Then `fit(model, x, y, steps, lr)`: `steps` full-batch Adam steps (learning rate `lr`) on `nn.MSELoss()(model(x), y)`,
# returning the list of the losses as floats. Trained on windows of noisy sines, the model must predict the next
# value with less than half the error of repeating the last one.
#
# The seed feeds a batch with no time axis, reads `out[-1, :, :]` (the last sample, not the last step), has no head, and
# creates h0 on the CPU in float32.
#
# Check your work: `prep check fix-rnn-regressor`. Stuck? `prep hint fix-rnn-regressor`.

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
        raise NotImplementedError("fix-rnn-regressor: your code here")

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        out, _ = self.rnn(x, h0)
        return out[-1, :, :]

# %%
def fit(model, x, y, steps, lr):
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        z = model(x)
        loss = criterion(z, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
