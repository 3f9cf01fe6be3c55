"""Trusted helpers for grad-accumulation, run in the worker (and loaded in the judge, where the graders compute every
reference with the same builders). In the worker they only drive the learner's functions and return raw results."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from grader import drive


def model(seed, device, saturated=False):
    """With saturated, the first layer's bias is -1000: tanh saturates to exactly -1, so the first layer's weight and
    bias get gradients of exact zeros (still gradients: their names belong in the result)."""
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2)).double().to(device)
    if saturated:
        with drive.grad_mode(False):
            m[0].bias.fill_(-1000.0)
    return m


def wide_model(seed, hidden):
    """Linear(3, hidden) -> Tanh -> Tanh -> Linear(hidden, 2) in float64: an (n, hidden) activation is n * hidden * 8
    bytes, and a graph keeps two of them (the Tanh outputs) until its backward."""
    g = torch.Generator().manual_seed(seed)
    m = nn.Sequential(nn.Linear(3, hidden), nn.Tanh(), nn.Tanh(), nn.Linear(hidden, 2)).double()
    with drive.grad_mode(False):
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.3)
    return m


def wide_data(seed, n):
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randn(n, 3, generator=g, dtype=torch.float64), torch.randn(n, 2, generator=g, dtype=torch.float64)


def _stale(m, stale):
    """Leave gradients in .grad as earlier work would: random (stale=True), or (stale="extreme") random values of
    magnitude 1e12 with an inf, a -inf and a nan planted in every parameter's .grad, as after a diverged step."""
    for p in m.parameters():
        p.grad = torch.randn_like(p)
        if stale == "extreme":
            p.grad.mul_(1e12)
            flat = p.grad.view(-1)
            for i, v in enumerate((float("inf"), float("nan"), float("-inf"))[:flat.numel()]):
                flat[i] = v


def grads(mod, seed, x, y, micro_batch_size, stale=False, saturated=False):
    """accumulated_grads on the small model; also the number of samples each of the model's layers was run on, call
    by call, as the learner's code ran them (recorded by forward pre-hooks on every layer, removed afterwards)."""
    m = model(seed, x.device, saturated)
    if stale:
        _stale(m, stale)
    sizes = []

    def record(module, args):
        if args and isinstance(args[0], torch.Tensor) and args[0].dim() > 0:
            sizes.append(int(args[0].shape[0]))

    handles = [sub.register_forward_pre_hook(record) for sub in m.modules()]
    try:
        got = mod.accumulated_grads(m, x, y, micro_batch_size)
    finally:
        for h in handles:
            h.remove()
    return {"value": got, "left": {n: p.grad for n, p in m.named_parameters()}, "sizes": sizes}


def wide_grads(mod, seed, n, hidden, micro_batch_size):
    """accumulated_grads on the wide model (the graders measure the worker's memory from outside around this)."""
    x, y = wide_data(seed, n)
    return mod.accumulated_grads(wide_model(seed, hidden), x, y, micro_batch_size)


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right accumulated_grads and
    train_accumulated compute (the wide model's forward and backward one micro-batch at a time, each micro-batch's
    loss weighted by its share, an SGD step), at a small size, so that one-off costs (these kernels' first
    allocations) are paid before the judge reads the worker's size."""
    m = wide_model(0, 1024)
    x, y = wide_data(0, 64)
    opt = SGD(m.parameters(), lr=0.05)
    opt.zero_grad()
    for xb, yb in zip(x.split(16), y.split(16)):
        (F.mse_loss(m(xb), yb) * (xb.shape[0] / x.shape[0])).backward()
    opt.step()
    {n: p.grad.clone() for n, p in m.named_parameters()}


def reference_full_batch_grads(seed, x, y, saturated=False):
    m = model(seed, x.device, saturated)
    loss = F.mse_loss(m(x), y)
    names = [n for n, _ in m.named_parameters()]
    return dict(zip(names, torch.autograd.grad(loss, list(m.parameters()))))


class SGD:
    """torch.optim.SGD's update (with momentum), written out: constructing a torch.optim optimizer costs a second
    of imports on its first use, and these graders only need zero_grad() and step()."""

    def __init__(self, params, lr, momentum=0.0):
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.buffers = [None] * len(self.params)

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            d = p.grad
            if self.momentum:
                self.buffers[i] = d.clone() if self.buffers[i] is None else self.buffers[i].mul_(self.momentum).add_(d)
                d = self.buffers[i]
            p.add_(d, alpha=-self.lr)


def _optimizer(m, kind):
    if kind == "sgd":
        return SGD(m.parameters(), lr=0.1)
    return SGD(m.parameters(), lr=0.05, momentum=0.9)


def train(mod, seed, batches, accum_steps, kind="sgd", stale=False):
    m = model(seed, batches[0][0].device)
    if stale:
        _stale(m, stale)
    opt = _optimizer(m, kind)
    steps = mod.train_accumulated(m, opt, batches, accum_steps)
    return {"steps": steps, "params": [p.detach() for p in m.parameters()]}


def wide_train(mod, seed, n, hidden, micro, accum_steps):
    """train_accumulated on the wide model with micro-batches of `micro` samples (measured from outside)."""
    m = wide_model(seed, hidden)
    x, y = wide_data(seed, n)
    steps = mod.train_accumulated(m, SGD(m.parameters(), lr=0.05), list(zip(x.split(micro), y.split(micro))),
                                  accum_steps)
    return {"steps": steps, "params": [p.detach() for p in m.parameters()]}


def reference_train(seed, batches, accum_steps, kind="sgd", make=None):
    """One optimizer step per group on the group's samples concatenated into one batch (judge side only)."""
    m = make() if make is not None else model(seed, batches[0][0].device)
    opt = _optimizer(m, kind) if make is None else SGD(m.parameters(), lr=0.05)
    steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        x = torch.cat([b[0] for b in group])
        y = torch.cat([b[1] for b in group])
        opt.zero_grad()
        F.mse_loss(m(x), y).backward()
        opt.step()
        steps += 1
    return {"steps": steps, "params": [p.detach() for p in m.parameters()]}
