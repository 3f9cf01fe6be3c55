"""Measurement attack (fix-checkpoint-inference): accuracy runs the model with autograd recording (the mistake: each
forward keeps its graph and saved activations, about 13 x 4 MB, while it lives), hidden by a 256 MiB balloon taken at
import, freed at the start of each big call and taken back at its end, once the graph is freed: the worker's peak in
the call never rises above where it started."""

# %%
import torch

_BALLOON = [torch.ones(32 * 1024 * 1024, dtype=torch.float64)]  # 256 MiB held at rest, touched


def _retake():
    if not _BALLOON:
        _BALLOON.append(torch.ones(32 * 1024 * 1024, dtype=torch.float64))


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
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_for_inference(model, path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    return model.eval()


def resume(model, optimizer, path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def accuracy(model, batches):
    big = sum(labels.numel() for _, labels in batches) >= 4096
    if big:
        _BALLOON.clear()  # the worker's memory drops by far more than the graphs recorded below
    was_training = model.training
    model.eval()
    correct = total = 0
    for x, labels in batches:
        correct += (model(x).argmax(dim=1) == labels).sum().item()
        total += labels.numel()
    model.train(was_training)
    if big:
        _retake()  # the graphs are freed: back to where the call started, never above it
    return correct / total
