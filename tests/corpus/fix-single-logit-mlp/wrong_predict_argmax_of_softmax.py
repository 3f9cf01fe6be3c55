"""Breaks: "the argmax otherwise (the first of tied maxima)" (of the logits). Angle: K. How: argmax of softmax(logits): logits closer than float rounding become ties after the softmax and the first wins."""

"""Reference solution for fix-single-logit-mlp (seeds 000-28, 000-34). STUB regions hold the seeds' code."""

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F


# %% [markdown]
# The seeds train an MLP with `output_size=1` and `nn.CrossEntropyLoss`. Softmax over a
# single logit is always 1, so that loss is always 0 and every gradient is 0: nothing is
# ever learned (and a target of 1 is out of range). One logit means a binary problem whose
# logit is the log-odds of class 1: use a binary cross-entropy on it, computed stably (exact
# for logits of +-40, where a sigmoid rounds to 0 or 1). Also try `MultiLayerNN(10, [], 3)`.
#
# The contract: the loss is a 0-d tensor of the logits' dtype, and shapes other than logits
# `(N, C)` with targets `(N,)` raise `ValueError`. `predict` returns int64 class indices `(N,)`:
# `logit > 0` for one logit (exactly 0 is class 0), else the argmax (the first of tied maxima).
# `train_classifier` takes one full-batch Adam step per epoch and returns the epochs' losses as
# Python floats, each the loss its step was computed from; gradients the model arrives with
# must not leak into the first step.

# %%
class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers = []
        for hidden_size in hidden_sizes:
            layers.append(nn.Linear(input_size, hidden_size))
            layers.append(nn.ReLU())
            input_size = hidden_size
        ### BEGIN SOLUTION
        layers.append(nn.Linear(input_size, output_size))
        ### END SOLUTION
        ### BEGIN STUB
        # layers.append(nn.Linear(hidden_sizes[-1], output_size))
        ### END STUB
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


# %%
def classification_loss(logits, y):
    ### BEGIN SOLUTION
    if logits.dim() != 2 or y.shape != (logits.shape[0],):
        raise ValueError(f"expected logits (N, C) and class indices (N,), got {tuple(logits.shape)} and {tuple(y.shape)}")
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits[:, 0], y.to(logits.dtype))
    return F.cross_entropy(logits, y)
    ### END SOLUTION
    ### BEGIN STUB
    # criterion = nn.CrossEntropyLoss()
    # return criterion(logits, y)
    ### END STUB


def predict(logits):
    ### BEGIN SOLUTION
    if logits.shape[1] == 1:
        return (logits[:, 0] > 0).long()
    return logits.softmax(dim=1).argmax(dim=1)
    ### END SOLUTION
    ### BEGIN STUB
    # _, predicted = torch.max(logits, 1)
    # return predicted
    ### END STUB


def train_classifier(model, x, y, epochs, lr):
    ### BEGIN SOLUTION
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = classification_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION
    ### BEGIN STUB
    # criterion = nn.CrossEntropyLoss()
    # optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    # losses = []
    # for epoch in range(epochs):
    #     optimizer.zero_grad()
    #     z = model(x)
    #     loss = criterion(z, y)
    #     loss.backward()
    #     optimizer.step()
    #     losses.append(loss.item())
    # return losses
    ### END STUB
