# %% [markdown]
# # An Elman RNN by hand and truncated backpropagation through time (the seed's per-step loop crashes)
#
# `fix-rnn-bptt` · fix-bug · hard · about 40 min
#
# Write `ElmanRNN(input_size, hidden_size)`, an `nn.Module` with the parameters of a one-layer `nn.RNN`
# (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, initialised uniformly in +-1/sqrt(hidden_size)) whose
# `forward(x, h0=None)` takes `(B, T, input_size)` and returns `(out (B, T, H), h_n (1, B, H))` with
# `h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`: outputs and gradients must equal `nn.RNN`'s.
#
# Then fix the seed's loop as `train_tbptt(model, head, xs, ys, k, optimizer)`: split the `T` steps into chunks of
# `k`; per chunk, zero the gradients, run the model from the previous chunk's final state detached (zeros at first),
# compute the mean cross-entropy of `head(out)` against the chunk's targets `ys (B, T)`, back-propagate and step;
# return the chunk losses as floats. And `sequence_accuracy(model, head, xs, ys)`: correct / (B * T) as a float.
#
# `nn.RNN` and `nn.RNNCell` are off limits. The seed calls backward at every time step through a hidden state it never
# detaches, which raises, and its accuracy exceeds 100%.
#
# Check your work: `prep check fix-rnn-bptt`. Stuck? `prep hint fix-rnn-bptt`.

# %%
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# An Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh). The seed's cell has no
# tanh (so it is linear), and its loop calls backward and step at every time step through a
# hidden state it never detaches: the second step's backward reaches into the first step's
# freed graph, whose weights step() has already changed. Truncated BPTT instead cuts the
# sequence into chunks of k steps: one zero_grad / forward / backward / step per chunk,
# carrying the hidden state's value (detached) into the next chunk.

# %%
class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        raise NotImplementedError("fix-rnn-bptt: your code here")

    def forward(self, x, h0=None):
        raise NotImplementedError("fix-rnn-bptt: your code here")

# %%
def train_tbptt(model, head, xs, ys, k, optimizer):
    hidden = None
    losses = []
    for i in range(xs.shape[1]):
        output, hidden = model(xs[:, i:i + 1], hidden)
        loss = F.cross_entropy(head(output[:, 0]), ys[:, i])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def sequence_accuracy(model, head, xs, ys):
    correct = 0
    total = 0
    with torch.no_grad():
        hidden = None
        for i in range(xs.shape[1]):
            output, hidden = model(xs[:, i:i + 1], hidden)
            predicted = head(output[:, 0]).argmax(1)
            total += ys.T.size(0)
            correct += (predicted == ys.T).sum().item()
    return correct / total
