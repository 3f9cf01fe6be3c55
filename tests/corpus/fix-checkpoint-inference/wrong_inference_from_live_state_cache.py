"""save_checkpoint also caches the live state_dict (tensors that alias the parameters) and load_for_inference loads
from that cache: after the saved model trains on, it loads the new weights, not the ones saved in the file
(round 17)."""
import torch


_LAST = {}


def save_checkpoint(model, optimizer, epoch, path):
    _LAST[str(path)] = model.state_dict()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_for_inference(model, path):
    ck = torch.load(path, map_location="cpu")
    model.load_state_dict(_LAST.get(str(path), ck["model"]))
    model.eval()
    return model


def resume(model, optimizer, path):
    ck = torch.load(path)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
    return ck["epoch"]


def accuracy(model, batches):
    modes = {m: m.training for m in model.modules()}
    model.eval()
    correct = 0
    total = 0
    try:
        with torch.no_grad():
            for x, y in batches:
                pred = model(x).argmax(dim=1)
                correct += (pred == y).sum().item()
                total += y.numel()
    finally:
        for m, t in modes.items():
            m.training = t
    return correct / total
