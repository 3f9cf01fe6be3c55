"""Right: ElmanRNN registers a buffer of its own (an int version tag) beside the parameters the task fixes."""
"""Reference solution for fix-rnn-bptt (seeds 004-27, 004-12). STUB regions hold the seed's code."""

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
        self.register_buffer("version", torch.tensor(2))  # a buffer of my own: which fix this is
        bound = 1 / math.sqrt(hidden_size)  # nn.RNN's initialisation
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x, h0=None):
        h = x.new_zeros(x.shape[0], self.weight_hh_l0.shape[0]) if h0 is None else h0[0]
        outs = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ self.weight_ih_l0.T + self.bias_ih_l0 + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            outs.append(h)
        return torch.stack(outs, dim=1), h.unsqueeze(0)


# %%
def train_tbptt(model, head, xs, ys, k, optimizer):
    hidden, losses = None, []
    for t0 in range(0, xs.shape[1], k):
        optimizer.zero_grad()
        out, hidden = model(xs[:, t0:t0 + k], None if hidden is None else hidden.detach())
        logits = head(out)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[:, t0:t0 + k].reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### BEGIN STUB
    # hidden = None
    # losses = []
    # for i in range(xs.shape[1]):
    #     output, hidden = model(xs[:, i:i + 1], hidden)
    #     loss = F.cross_entropy(head(output[:, 0]), ys[:, i])
    #     loss.backward()
    #     optimizer.step()
    #     losses.append(loss.item())
    # return losses
    ### END STUB


def sequence_accuracy(model, head, xs, ys):
    with torch.no_grad():
        out, _ = model(xs)
        return (head(out).argmax(-1) == ys).double().mean().item()
    ### BEGIN STUB
    # correct = 0
    # total = 0
    # with torch.no_grad():
    #     hidden = None
    #     for i in range(xs.shape[1]):
    #         output, hidden = model(xs[:, i:i + 1], hidden)
    #         predicted = head(output[:, 0]).argmax(1)
    #         total += ys.T.size(0)
    #         correct += (predicted == ys.T).sum().item()
    # return correct / total
    ### END STUB
