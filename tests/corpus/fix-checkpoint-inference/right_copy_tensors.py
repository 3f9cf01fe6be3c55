"""Copies every saved tensor into the model's own state_dict tensors by name and switches modes with train(False);
accuracy counts hits with torch.eq over the concatenated predictions under inference_mode."""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    blob = {"epoch": int(epoch), "model_state": {k: v.clone() for k, v in model.state_dict().items()},
            "optim_state": optimizer.state_dict()}
    with open(path, "wb") as f:
        torch.save(blob, f)


def _read(path):
    with open(path, "rb") as f:
        return torch.load(f, weights_only=True)


def load_for_inference(model, path):
    saved = _read(path)["model_state"]
    own = model.state_dict()
    with torch.no_grad():
        for name, tensor in own.items():
            tensor.copy_(saved[name])
    model.train(False)
    return model


def resume(model, optimizer, path):
    blob = _read(path)
    model.load_state_dict(blob["model_state"])
    optimizer.load_state_dict(blob["optim_state"])
    return blob["epoch"]


def accuracy(model, batches):
    mode = model.training
    model.train(False)
    try:
        with torch.inference_mode():
            preds = torch.cat([model(x).argmax(1) for x, _ in batches])
            labels = torch.cat([y for _, y in batches])
            return torch.eq(preds, labels).double().mean().item()
    finally:
        model.train(mode)
