"""Wrong: accuracy switches recording off and back on with torch.set_grad_enabled instead of a with block,
so a caller that evaluates inside torch.no_grad() finds grad mode on afterwards (the task: leave torch's settings as
you found them). Derived from the reference solution for fix-checkpoint-inference (seeds 001-28, 001-34). The STUB is the seed's code."""

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
    ### BEGIN SOLUTION
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)
    ### END SOLUTION


def load_for_inference(model, path):
    ### BEGIN SOLUTION
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    return model.eval()
    ### END SOLUTION
    ### BEGIN STUB
    # model = type(model).load_from_checkpoint(path)
    # return model
    ### END STUB


def resume(model, optimizer, path):
    ### BEGIN SOLUTION
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
    ### END SOLUTION


def accuracy(model, batches):
    ### BEGIN SOLUTION
    was_training = model.training
    model.eval()
    correct = total = 0
    torch.set_grad_enabled(False)  # no graph while counting
    for x, labels in batches:
        correct += (model(x).argmax(dim=1) == labels).sum().item()
        total += labels.numel()
    torch.set_grad_enabled(True)
    model.train(was_training)
    return correct / total
    ### END SOLUTION
    ### BEGIN STUB
    # with torch.no_grad():
    #     correct = 0
    #     total = 0
    #     for x, y in batches:
    #         outputs = model(x)
    #         _, predicted = torch.max(outputs, 1)
    #         total += y.size(0)
    #         correct += (predicted == y).sum().item()
    # return 100 * correct / total
    ### END STUB
