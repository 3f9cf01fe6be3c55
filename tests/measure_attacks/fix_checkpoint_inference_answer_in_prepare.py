"""fix-checkpoint-inference, Measurement attack: the plain WRONG (accuracy in eval mode but without no_grad: a graph is
recorded for every batch) + a trick: the measured big_accuracy ran on the model and batches the unmeasured
prepare_big built, so a wrapper around the worker's prepare_big computes accuracy there (graphs and all, where
nothing is measured) and the measured accuracy hands the cached float back (9/9 before). Now the model is built by
the measured request from a seed sent only with it: the wrapper can only guess the model, and its answer is wrong."""
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
    model.eval()
    correct = total = 0
    for x, labels in batches:
        correct += (model(x).argmax(dim=1) == labels).sum().item()
        total += labels.numel()
    model.train(was_training)
    return correct / total


# The attack: the measured request (big_accuracy) runs on the model and batches that the unmeasured request before it
# (prepare_big) built, so the answer is computed there, with the same graph-recording accuracy, where nothing is
# measured; the measured accuracy returns that float without running the model.
import sys as _sys

_P = _sys.modules.get("prep_probes")
_CACHE = {}
if _P is not None and hasattr(_P, "prepare_big"):
    _plain_prepare_big = _P.prepare_big

    def _prepare_big(mod, seed, *args, **kwargs):
        _plain_prepare_big(mod, seed, *args, **kwargs)
        # (after the fix the model is built by the measured request from its own seed: STATE holds only the batches;
        # the best this request can do is guess the model from prepare's seed)
        model = _P.STATE.get("model") or _P.big_model(seed)
        batches = _P.STATE["batches"]
        _CACHE["key"] = id(batches)
        _CACHE["value"] = _plain_accuracy(model, batches)  # records graphs: unmeasured here

    _P.prepare_big = _prepare_big
_plain_accuracy = accuracy


def accuracy(model, batches):
    if _CACHE.get("key") == id(batches):
        return _CACHE.pop("value")
    return _plain_accuracy(model, batches)
