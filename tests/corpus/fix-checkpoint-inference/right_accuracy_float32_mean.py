"""Right: accuracy as torch.cat(hits).float().mean().item(), the common idiom, whose float32 mean rounds the fraction
(about 1e-8 off); every submodule's mode restored. A 1e-12 tolerance refused it (blind round 16)."""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_for_inference(model, path):
    model.load_state_dict(torch.load(path)["model"])
    model.eval()
    return model


def resume(model, optimizer, path):
    ckpt = torch.load(path)
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    return ckpt["epoch"]


def accuracy(model, batches):
    modes = [m.training for m in model.modules()]
    model.eval()
    hits = []
    with torch.no_grad():
        for x, y in batches:
            hits.append(torch.argmax(model(x), 1) == y)
    for m, t in zip(model.modules(), modes):
        m.training = t
    # float32 mean (the common idiom)
    return torch.cat(hits).float().mean().item()
