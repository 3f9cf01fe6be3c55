"""Trusted helpers for fix-loss-accumulation, run in the worker (and loaded in the judge, where the graders build the
same models and batches to compute every reference). In the worker they only drive the learner's functions and
return raw results; whether evaluate records a graph is measured from outside the worker."""

import torch
from torch import nn
from grader import drive

_KEPT = []  # the model and optimizer of the last train_table_columns, alive as a caller keeps them after an epoch

def make(seed, device, offset=0.0, hidden=16, depth=1):
    """Linear(3, hidden) -> depth x Tanh -> Linear(hidden, 1) in float64; offset is added to the last bias."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, hidden), *[nn.Tanh() for _ in range(depth)], nn.Linear(hidden, 1))
    model = model.to(device=device, dtype=torch.float64)
    with drive.grad_mode(False):
        model[-1].bias += offset
    return model


def batches(seed, n_batches, device, offset=0.0, size=8):
    """Targets around `offset`: with a large offset the residuals are small next to the values (where an expanded
    square or float32 arithmetic loses the loss). `size` is one batch size for all, or a list of n_batches sizes."""
    g = torch.Generator().manual_seed(seed + 1)
    sizes = list(size) if isinstance(size, (list, tuple)) else [size] * n_batches
    return [(torch.randn(s, 3, generator=g, dtype=torch.float64).to(device),
             (torch.randn(s, 1, generator=g, dtype=torch.float64) + offset).to(device)) for s in sizes[:n_batches]]


def optimizer(model, lr):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.5)


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right train_epoch and evaluate
    compute (zero_grad, forward, backward and an SGD step with momentum over inputs sliced from a small table that
    requires grad; a forward under no_grad through a deep, wide model), at a small size, so that one-off costs (the
    optimizer's first use, these kernels' first allocations) are paid before the judge reads the worker's size."""
    model = make(0, "cpu")
    opt = optimizer(model, 0.05)
    for x, y in batches(0, 2, "cpu", size=64):
        table = torch.zeros(64, 4, dtype=torch.float64)
        table[:, :3] = x
        opt.zero_grad()
        loss = ((model(table.requires_grad_()[:, :3]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        loss.item()
    deep = make(0, "cpu", hidden=1024, depth=6)
    with drive.grad_mode(False):
        for x, y in batches(0, 1, "cpu", size=16):
            ((deep(x) - y) ** 2).mean().item()


def run_train(mod, seed, n_batches, lr, device="cpu", offset=0.0, size=8, stale=None):
    """train_epoch over fresh batches: what it returned and the parameters afterwards. With `stale`, the model arrives
    with .grad holding that value everywhere (left by an earlier backward): zeroing first keeps it out of every step."""
    model = make(seed, device, offset)
    if stale is not None:
        for p in model.parameters():
            p.grad = torch.full_like(p, stale)
    result = mod.train_epoch(model, optimizer(model, lr), batches(seed, n_batches, device, offset, size))
    return {"losses": result, "params": [p.detach().clone() for p in model.parameters()]}


def run_evaluate(mod, seed, n_batches, device="cpu", offset=0.0, size=8, frozen=False):
    """evaluate() on a model whose .grad holds 0.5 everywhere (with frozen, its first and third parameters have
    requires_grad=False): what it returned, the parameters, their .grad and requires_grad afterwards."""
    model = make(seed, device, offset)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    if frozen:
        for p in list(model.parameters())[::2]:
            p.requires_grad_(False)
    value = mod.evaluate(model, batches(seed, n_batches, device, offset, size))
    return {"value": value, "params": [p.detach().clone() for p in model.parameters()],
            "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
            "requires_grad": [p.requires_grad for p in model.parameters()]}


def perturb(model, seed):
    """Move every parameter in place by a small step drawn from `seed` (what an epoch of training does to them)."""
    g = torch.Generator().manual_seed(seed + 2)
    with drive.grad_mode(False):
        for p in model.parameters():
            p += 0.1 * torch.randn(p.shape, generator=g, dtype=p.dtype).to(p.device)


def run_evaluate_twice(mod, seed, n_batches, device="cpu", size=8):
    """evaluate() twice on the same model and the same list of batches, the parameters moved in place in between (as
    a training epoch moves them): both returned values. A value remembered from the first call (keyed by the model,
    the list, its length or the batches' tensors) is stale at the second."""
    model = make(seed, device)
    data = batches(seed, n_batches, device, size=size)
    first = mod.evaluate(model, data)
    perturb(model, seed)
    return [first, mod.evaluate(model, data)]


def grad_mode_after_no_grad(mod, seed, n_batches, device="cpu"):
    """evaluate and train_epoch on fresh models and batches, each called inside torch.no_grad() as a caller's code
    may: for each, whether grad mode is still on right after the call, read inside the block (the block's exit would
    put grad mode back and hide a call that switched it on with torch.set_grad_enabled(True) and never back). What
    the calls return or raise there is not graded (train_epoch cannot back-propagate under no_grad unless it turns
    recording on in a with block); only a stub's NotImplementedError goes through. A forged answer could only hide
    the learner's own mistake."""
    def evaluate():
        return mod.evaluate(make(seed, device), batches(seed, n_batches, device))

    def train():
        model = make(seed, device)
        return mod.train_epoch(model, optimizer(model, 0.05), batches(seed, n_batches, device))

    return {"evaluate": drive.grad_mode_after_no_grad(evaluate), "train_epoch": drive.grad_mode_after_no_grad(train)}


def evaluate_deep(mod, seed, hidden, depth, size):
    """evaluate() on one large batch through a deep, wide model (measured from outside)."""
    return mod.evaluate(make(seed, "cpu", hidden=hidden, depth=depth), batches(seed, 1, "cpu", size=size))


def train_table_columns(mod, seed, n_batches, size, width):
    """train_epoch over batches whose x is the first 3 columns of a (size, width) feature table, a leaf that requires
    grad: a graph kept alive after the epoch keeps every table and its .grad alive with it (measured from outside).
    The x values are those of batches(seed, n_batches, "cpu", size=size). The model and optimizer stay alive after it
    (as a caller keeps them), the batches do not. Returns only what train_epoch returned."""
    _KEPT.clear()
    model = make(seed, "cpu")
    data = []
    for x, y in batches(seed, n_batches, "cpu", size=size):
        table = torch.zeros(size, width, dtype=torch.float64)
        table[:, :3] = x
        data.append((table.requires_grad_()[:, :3], y))
    opt = optimizer(model, 0.05)
    _KEPT.append((model, opt))
    return mod.train_epoch(model, opt, data)


def release(mod):
    _KEPT.clear()
    return None
