"""Violates resume: 'restores model and optimizer ... so that training continues exactly like an uninterrupted run': it reuses load_for_inference, which leaves every submodule in eval mode, so a loop that does not call model.train() again resumes without Dropout and with frozen BatchNorm statistics."""
import torch
from torch import save as _save, load as _load

_KEYS = ("weights", "opt", "ep")


def save_checkpoint(model, optimizer, epoch, path):
    blob = dict(zip(_KEYS, (model.state_dict(), optimizer.state_dict(), int(epoch))))
    with open(path, "wb") as fh:
        _save(blob, fh)


def _read(path):
    with open(path, "rb") as fh:
        return _load(fh, map_location="cpu", weights_only=True)


def load_for_inference(model, path):
    weights = _read(path)["weights"]
    missing, unexpected = model.load_state_dict(weights, strict=True)
    model.apply(lambda m: m.train(False))
    return model


def resume(model, optimizer, path):
    blob = _read(path)
    load_for_inference(model, path)
    optimizer.load_state_dict(blob["opt"])
    return blob["ep"]


def accuracy(model, batches):
    flags = [(m, m.training) for m in model.modules()]
    model.eval()
    good, seen = 0, 0
    with torch.inference_mode():
        for x, labels in batches:
            good += torch.count_nonzero(model(x).argmax(1) == labels).item()
            seen += labels.shape[0]
    for m, f in flags:
        m.training = f
    return good / seen
