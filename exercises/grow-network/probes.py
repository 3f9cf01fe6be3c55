"""Trusted helpers for grow-network, run in the worker: train, grow mid-training, train on."""

import torch
from torch import nn


def _setup(seed, device):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh()).to(device).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    new = nn.Linear(8, 2).to(device).double()
    g = torch.Generator().manual_seed(seed + 1)
    data = [(torch.randn(6, 4, generator=g, dtype=torch.float64).to(device),
             torch.randn(6, 2, generator=g, dtype=torch.float64).to(device)) for _ in range(4)]
    return model, opt, new, data


def _step(model, opt, x, y):
    opt.zero_grad()
    out = model(x)
    loss = ((out[:, :2] - y) ** 2).mean() if out.shape[1] != 2 else ((out - y) ** 2).mean()
    loss.backward()
    opt.step()


def run(mod, seed, lr, device="cpu", use_learner=True):
    model, opt, new, data = _setup(seed, device)
    for x, y in data[:2]:
        _step(model, opt, x, y)
    old = list(model.parameters())
    before = {k: v.clone() for k, v in opt.state[old[0]].items()}
    new_before = new.weight.detach().clone()
    if use_learner:
        mod.grow(model, opt, new, lr)
    else:
        model.append(new)
        opt.add_param_group({"params": list(new.parameters()), **({} if lr is None else {"lr": lr})})
    state_kept = all(torch.equal(before[k], opt.state[old[0]][k]) for k in before) if old[0] in opt.state else False
    for x, y in data[2:]:
        _step(model, opt, x, y)
    return {"state_kept": state_kept, "groups": len(opt.param_groups),
            "group_lrs": [g["lr"] for g in opt.param_groups], "new_changed": not torch.equal(new_before, new.weight.detach()),
            "params": [p.detach().clone() for p in model.parameters()], "modules": len(model)}
