"""accuracy avoids the graph by switching requires_grad off on every parameter, and switches each flag back afterwards (the model leaves as it came in)."""

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
    was_training = model.training
    flags = [(p, p.requires_grad) for p in model.parameters()]
    model.eval()
    for p, _ in flags:
        p.requires_grad_(False)  # with no parameter (and no input) requiring grad, no graph is recorded
    correct = total = 0
    try:
        for x, labels in batches:
            correct += (model(x).argmax(dim=1) == labels).sum().item()
            total += labels.numel()
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
        model.train(was_training)
    return correct / total
