"""The seed's code: Lightning's load_from_checkpoint on a plain module, and accuracy in percent without eval()."""

# %%
import torch


# %% [markdown]
# The seed loads a model for inference with `model = CNN.load_from_checkpoint(checkpoint_path)`. That is PyTorch
# Lightning's API: a plain `nn.Module` has no such method (`AttributeError`). Plain PyTorch saves and loads
# `state_dict()`s, and a checkpoint that must resume training exactly holds the optimizer's state too (Adam's
# moments, its step count). The seed also never calls `model.eval()`: `torch.no_grad()` stops recording the graph, but
# Dropout still drops and BatchNorm still uses batch statistics until the model is switched to eval mode.
#
# * `save_checkpoint(model, optimizer, epoch, path)`: write model state, optimizer state and epoch to `path`.
# * `load_for_inference(model, path)`: load the checkpoint's weights into `model` (a freshly built instance of the
#   same class) and return it ready for inference.
# * `resume(model, optimizer, path) -> int`: restore model and optimizer so that training continues exactly as if it
#   had never stopped; return the saved epoch.
# * `accuracy(model, batches) -> float`: the fraction of samples whose arg-max class equals the label, over
#   `(x, labels)` batches, computed in inference mode without recording a graph; the model's train/eval mode is the
#   same afterwards as before.

# %%
def save_checkpoint(model, optimizer, epoch, path):
    raise NotImplementedError("not done")


def load_for_inference(model, path):
    model = type(model).load_from_checkpoint(path)
    return model


def resume(model, optimizer, path):
    raise NotImplementedError("not done")


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
