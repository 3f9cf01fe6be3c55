# %% [markdown]
# # Fix the sample answer's load_from_checkpoint: state_dicts, eval mode, exact resume, accuracy without a graph
#
# `fix-checkpoint-inference` · fix-bug · easy · about 20 min
#
# The stub is the sample answer's code. Replace it with plain PyTorch:
#
# * `save_checkpoint(model, optimizer, epoch, path)` writes the model's state, the optimizer's state and `epoch` to the
#   file `path`.
# * `load_for_inference(model, path) -> nn.Module` loads the weights saved in the file `path` (buffers included) into
#   `model`, a fresh instance of the same class, and returns `model` ready for inference (every submodule in eval mode).
# * `resume(model, optimizer, path) -> int` restores model and optimizer from the file `path` so that training continues
#   exactly like an uninterrupted run (learning rate and Adam's moments included), and returns the saved epoch.
# * `accuracy(model, batches) -> float`: over `(x, labels)` batches, not necessarily of equal sizes, the fraction in
#   [0, 1] of all samples whose arg-max over dimension 1 equals the label, computed in eval mode without recording a
#   graph; the model is left in the train/eval mode it was in, its state unchanged.
#
# Check your work: `prep check fix-checkpoint-inference`. Stuck? `prep hint fix-checkpoint-inference`.

# %%
import torch

# %% [markdown]
# The seed loads a model for inference with `model = CNN.load_from_checkpoint(checkpoint_path)`. That is PyTorch
# Lightning's API: a plain `nn.Module` has no such method (`AttributeError`). Plain PyTorch saves and loads
# `state_dict()`s, and a checkpoint that must resume training exactly holds the optimizer's state too (Adam's
# moments, its step count). The seed also never calls `model.eval()`: `torch.no_grad()` stops recording the graph, but
# Dropout still drops and BatchNorm still uses batch statistics until the model is switched to eval mode.
#
# * `save_checkpoint(model, optimizer, epoch, path)`: write model state, optimizer state and epoch to the file `path`.
# * `load_for_inference(model, path)`: load the weights saved in the file `path` (buffers included) into `model` (a
#   freshly built instance of the same class) and return `model` ready for inference (every submodule in eval mode).
# * `resume(model, optimizer, path) -> int`: restore model and optimizer from the file `path` so that training
#   continues exactly as if it had never stopped (learning rate and Adam's moments included); return the saved epoch.
# * `accuracy(model, batches) -> float`: the fraction of all samples whose arg-max class equals the label, over
#   `(x, labels)` batches of any sizes, computed in eval mode without recording a graph (the graders read the worker's
#   memory from outside); the model's train/eval mode and its state are the same afterwards as before.

# %%
def save_checkpoint(model, optimizer, epoch, path):
    raise NotImplementedError("fix-checkpoint-inference: your code here")


def load_for_inference(model, path):
    model = type(model).load_from_checkpoint(path)
    return model


def resume(model, optimizer, path):
    raise NotImplementedError("fix-checkpoint-inference: your code here")


def accuracy(model, batches):
    with torch.no_grad():
        correct = 0
        total = 0
        for x, y in batches:
            outputs = model(x)
            _, predicted = torch.max(outputs, 1)
            total += y.size(0)
            correct += (predicted == y).sum().item()
    return 100 * correct / total
