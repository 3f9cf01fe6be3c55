# %% [markdown]
# # The training loop done right: zero_grad, train() and eval(), no_grad evaluation, early stopping
#
# `train-eval-loop` · code · easy · about 30 min
#
# Write the three pieces of a training loop. A loader is any iterable of `(x, y)` batches (the last may be smaller);
# `model` is an `nn.Module` that may contain BatchNorm or Dropout.
#
# * `train_one_epoch(model, loader, optimizer, loss_fn) -> float`: put the model in training mode; for each batch,
#   zero the gradients, compute `loss_fn(model(x), y)`, back-propagate and take one optimizer step. At every
#   `optimizer.step()` each `.grad` must be exactly that batch's own gradient. Return the epoch's mean loss over all
#   samples (each batch weighted by its size) as a Python float.
# * `evaluate(model, loader) -> float`: the accuracy `correct / total` over every sample (prediction = argmax over
#   dim 1), as a Python float, computed in eval mode under `torch.no_grad()` (no BatchNorm statistics change, no
#   gradients); afterwards the model is back in the mode it was in.
# * `fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience) -> dict`: for epochs 1, 2, ...:
#   one `train_one_epoch`, then `evaluate` on the validation loader. An epoch is better if its accuracy is strictly
#   higher than the best so far; stop after `patience` epochs in a row that are not better, or after `max_epochs`.
#   Leave the model with the weights (the whole `state_dict`) of the best epoch, and return
#   `{"best_epoch": int, "best_accuracy": float, "history": [accuracy of each epoch run]}`.
#
# The seeds train without switching `train()`/`eval()`, report accuracy on the training batch itself, and log losses
# by hand; graders here replay every optimizer step and check the gradient it saw.
#
# Check your work: `prep check train-eval-loop`. Stuck? `prep hint train-eval-loop`.

# %%
import copy

import torch

# %% [markdown]
# A loader is any iterable of `(x, y)` batches; the last batch may be smaller.
# `model.train()` / `model.eval()` switch Dropout and BatchNorm between their training and
# inference behaviour, and `torch.no_grad()` stops evaluation from recording a graph.

# %%
def train_one_epoch(model, loader, optimizer, loss_fn):
    raise NotImplementedError("train-eval-loop: your code here")


def evaluate(model, loader):
    raise NotImplementedError("train-eval-loop: your code here")


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    raise NotImplementedError("train-eval-loop: your code here")
