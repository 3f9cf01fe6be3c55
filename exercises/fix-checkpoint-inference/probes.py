"""Trusted helpers for fix-checkpoint-inference, run in the worker: train, save, load, resume, evaluate."""

import os
import tempfile

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))

    def forward(self, x):
        return self.body(x)


def data(seed, n, device):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(8, 4, generator=g).to(device), torch.randint(0, 3, (8,), generator=g).to(device))
            for _ in range(n)]


def train(model, opt, batches, seed):
    torch.manual_seed(seed)  # the dropout masks
    model.train()
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def fresh(seed, device):
    torch.manual_seed(seed)
    model = Net().to(device)
    return model, torch.optim.Adam(model.parameters(), lr=0.01)


def _path():
    return os.path.join(tempfile.mkdtemp(), "ckpt.pt")


def inference_report(mod, seed, device="cpu"):
    model, opt = fresh(seed, device)
    train(model, opt, data(seed, 4, device), seed)
    path = _path()
    mod.save_checkpoint(model, opt, 4, path)
    model.eval()
    x = data(seed + 1, 1, device)[0][0]
    with torch.no_grad():
        want = model(x)
    other, _ = fresh(seed + 100, device)
    loaded = mod.load_for_inference(other, path)
    all_eval = all(not m.training for m in loaded.modules())
    with torch.no_grad():
        outs = [loaded(x), loaded(x)]
    same_state = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), loaded.state_dict().values()))
    return {"all_eval": all_eval, "same_state": same_state, "outs": outs, "want": want}


def resume_report(mod, seed, device="cpu"):
    batches = data(seed, 6, device)
    model, opt = fresh(seed, device)
    straight = train(model, opt, batches, seed)
    model, opt = fresh(seed, device)
    first = train(model, opt, batches[:3], seed)
    rng_state = torch.get_rng_state()  # the dropout stream where the straight run was after 3 steps
    path = _path()
    mod.save_checkpoint(model, opt, 3, path)
    model2, opt2 = fresh(seed + 100, device)
    epoch = mod.resume(model2, opt2, path)
    model2.train()
    torch.set_rng_state(rng_state)
    rest = []
    for x, y in batches[3:]:
        opt2.zero_grad()
        loss = nn.functional.cross_entropy(model2(x), y)
        loss.backward()
        opt2.step()
        rest.append(loss.item())
    return {"epoch": epoch, "straight": straight, "resumed": first + rest}


def accuracy_report(mod, seed, start_training, device="cpu"):
    model, opt = fresh(seed, device)
    train(model, opt, data(seed, 4, device), seed)
    batches = data(seed + 2, 3, device)
    model.train(start_training)
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(1) or t, lambda t: t):
        value = mod.accuracy(model, batches)
    mode_after = model.training
    model.eval()
    with torch.no_grad():
        correct = sum((model(x).argmax(1) == y).sum().item() for x, y in batches)
    return {"value": value if isinstance(value, (int, float)) else repr(value), "want": correct / 24,
            "mode_kept": mode_after == start_training, "saved": len(saved)}
