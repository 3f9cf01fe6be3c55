"""The seeds' code unchanged: CrossEntropyLoss on one logit (always 0), and hidden_sizes[-1] crashes on []."""

# %% [markdown]
# # Fix the seeds' MLPs: cross-entropy on a single logit is always 0, and an empty hidden list crashes
#
# `fix-single-logit-mlp` · fix-bug · easy · about 20 min
#
# The stubs are the seeds' code. Fix them so that:
#
# * `MultiLayerNN(input_size, hidden_sizes, output_size)` keeps the seed's layout (`self.model` is an `nn.Sequential` of
#   Linear, ReLU, ..., Linear, with no ReLU after the last Linear) and works for any list of hidden sizes, `[]`
#   included (then it is one `Linear(input_size, output_size)`). Its forward returns raw logits `(N, output_size)`.
# * `classification_loss(logits, y)`: `logits` is `(N, C)`, `y` holds class indices, shape `(N,)`. For C >= 2 it is
#   `F.cross_entropy`. For C == 1 the logit is the log-odds of class 1 and the loss is the mean binary cross-entropy
#   with logits. Any other shapes raise `ValueError`.
# * `predict(logits)`: class indices `(N,)`: `logit > 0` for C == 1, the argmax otherwise.
# * `train_classifier(model, x, y, epochs, lr)`: full-batch Adam with learning rate `lr` on `classification_loss`, one
#   step per epoch; returns the list of the epochs' losses as floats.
#
# The seeds train a 1-output MLP with `nn.CrossEntropyLoss`: softmax over one logit is always 1, so the loss is always
# 0 and every gradient is 0. Their `MultiLayerNN` also crashes on an empty `hidden_sizes`.
#
# Check your work: `prep check fix-single-logit-mlp`. Stuck? `prep hint fix-single-logit-mlp`.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# The seeds train an MLP with `output_size=1` and `nn.CrossEntropyLoss`. Softmax over a
# single logit is always 1, so that loss is always 0 and every gradient is 0: nothing is
# ever learned (and a target of 1 is out of range). One logit means a binary problem whose
# logit is the log-odds of class 1: use a binary cross-entropy on it. Also try
# `MultiLayerNN(10, [], 3)`.

# %%
class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers = []
        for hidden_size in hidden_sizes:
            layers.append(nn.Linear(input_size, hidden_size))
            layers.append(nn.ReLU())
            input_size = hidden_size
        layers.append(nn.Linear(hidden_sizes[-1], output_size))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)

# %%
def classification_loss(logits, y):
    criterion = nn.CrossEntropyLoss()
    return criterion(logits, y)


def predict(logits):
    _, predicted = torch.max(logits, 1)
    return predicted


def train_classifier(model, x, y, epochs, lr):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        z = model(x)
        loss = criterion(z, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
