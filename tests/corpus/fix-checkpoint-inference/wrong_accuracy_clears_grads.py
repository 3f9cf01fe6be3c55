"""Violates accuracy: 'the model is left in the train/eval mode it was in, its state unchanged': it clears the model's gradients (model.zero_grad(), which sets every .grad to None) before evaluating."""
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
    model.load_state_dict(blob["weights"])
    optimizer.load_state_dict(blob["opt"])
    return blob["ep"]


def accuracy(model, batches):
    flags = [(m, m.training) for m in model.modules()]
    model.zero_grad()
    model.eval()
    good, seen = 0, 0
    with torch.inference_mode():
        for x, labels in batches:
            good += torch.count_nonzero(model(x).argmax(1) == labels).item()
            seen += labels.shape[0]
    for m, f in flags:
        m.training = f
    return good / seen
