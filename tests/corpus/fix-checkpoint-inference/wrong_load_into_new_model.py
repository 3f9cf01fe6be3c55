"""load_for_inference builds a new instance of the class and returns it; the model passed in is left untouched."""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_for_inference(model, path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    new = type(model)()
    new.load_state_dict(state["model"])
    return new.eval()


def resume(model, optimizer, path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def accuracy(model, batches):
    was_training = model.training
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, labels in batches:
            correct += (model(x).argmax(dim=1) == labels).sum().item()
            total += labels.numel()
    model.train(was_training)
    return correct / total
