"""Helpers for fix-data-parallel-gloo. In the worker they fork the gloo ranks, call the learner's functions on each,
and send back what each rank holds (gradients, parameters after every step, returned losses). The judge loads this file
too and computes the single-process reference itself."""

import os
import tempfile
import traceback

import torch
import torch.distributed as dist
import multiprocessing as mp
from torch import nn
from grader import drive

WORLD = 2


class _WithSpare(nn.Module):
    """The model plus a parameter its forward never uses: its .grad stays None on every rank."""

    def __init__(self, body):
        super().__init__()
        self.body = body
        self.spare = nn.Parameter(torch.randn(3, dtype=torch.float64))

    def forward(self, x):
        out = self.body(x)
        if self.late_spare:  # from the second step on, the spare parameter is used: its .grad is None no longer
            out = out + x[:, :2] * self.spare[:2]
        return out

    late_spare = False


class _Tied(nn.Module):
    """Two Linear(8, 8) layers sharing one weight Parameter (weight tying): model.parameters() lists it once, and it
    is one parameter whose gradient is averaged once."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 8)
        self.a = nn.Linear(8, 8)
        self.b = nn.Linear(8, 8)
        self.b.weight = self.a.weight
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        return self.out(torch.tanh(self.b(torch.tanh(self.a(torch.tanh(self.inp(x)))))))


def make(seed, spare=False):
    """The model: a small MLP; with spare=True plus a parameter its forward never uses; with spare="late" plus a
    parameter the forward uses from the second step on (use_late sets it); with spare="tied" an MLP whose two hidden
    layers share one weight Parameter."""
    torch.manual_seed(seed)
    if spare == "tied":
        return _Tied().double()
    body = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).double()
    return _WithSpare(body) if spare else body


def use_late(model, spare, step):
    """spare="late": the spare parameter joins the forward from step 1 (counted from 0) on, on every rank and in the
    reference alike, so the set of parameters with a gradient changes between calls of average_gradients."""
    if spare == "late":
        model.late_spare = step >= 1


def optimizer(model, lr, name="sgd"):
    """The optimizer both sides train with: SGD with momentum (linear in the gradient), the same with two parameter
    groups ("sgd_groups"), or AdamW (not linear, and it decays every parameter that has a gradient, zeros included,
    while it skips a .grad of None)."""
    if name == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    if name == "sgd_groups":  # two parameter groups: the weights, and the biases with their own lr and momentum
        named = list(model.named_parameters())
        return torch.optim.SGD([{"params": [p for n, p in named if not n.endswith("bias")]},
                                {"params": [p for n, p in named if n.endswith("bias")], "lr": 2 * lr,
                                 "momentum": 0.5}], lr=lr, momentum=0.9)
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def data(seed, steps, batch):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.randn(batch, 4, generator=g, dtype=torch.float64), torch.randn(batch, 2, generator=g, dtype=torch.float64))
            for _ in range(steps)]


def shard(t, rank, world):
    n = t.shape[0] // world
    return t[rank * n:(rank + 1) * n]


def reference_gradients(seed, batch):
    """The judge's side: the full-batch gradients."""
    model = make(seed)
    x, y = data(seed, 1, batch)[0]
    nn.functional.mse_loss(model(x), y).backward()
    return [p.grad.clone() for p in model.parameters()]


def stale_data(seed, batch, rank):
    """An unrelated batch, different on every rank, whose gradients the model carries into the first train_step."""
    g = torch.Generator().manual_seed(seed + 1000 + rank)
    return (3 * torch.randn(batch, 4, generator=g, dtype=torch.float64),
            3 * torch.randn(batch, 2, generator=g, dtype=torch.float64))


def zero_shard_data(seed, batch, world):
    """A second batch whose rank-0 shard has all-zero inputs: on rank 0 the first Linear's weight gradient is exactly
    zero (the other ranks' is not), so its mean is not zero."""
    x, y = data(seed + 1, 1, batch)[0]
    x = x.clone()
    x[: batch // world] = 0.0
    return x, y


def reference_gradients_zero_shard(seed, batch, world):
    """The judge's side: the full-batch gradients of a second model (seed + 1) on zero_shard_data."""
    model = make(seed + 1)
    x, y = zero_shard_data(seed, batch, world)
    nn.functional.mse_loss(model(x), y).backward()
    return [p.grad.clone() for p in model.parameters()]


def reference_shard_gradients(seed, batch, world, spare=False):
    """The judge's side: each rank's local gradients at the first step (before any averaging)."""
    x, y = data(seed, 1, batch)[0]
    grads = []
    for r in range(world):
        model = make(seed, spare)
        nn.functional.mse_loss(model(shard(x, r, world)), shard(y, r, world)).backward()
        grads.append([p.grad for p in model.parameters() if p.grad is not None])
    return grads


def reference_training(seed, steps, batch, lr, world, opt_name="sgd", spare=False):
    """The judge's side: one process, whole batches, the same optimizer (SGD with momentum unless told); the
    parameters after every step, and for every rank the loss of its shard before every step (what train_step returns
    there)."""
    model = make(seed, spare)
    opt = optimizer(model, lr, opt_name)
    params, losses = [], [[] for _ in range(world)]
    for k, (x, y) in enumerate(data(seed, steps, batch)):
        use_late(model, spare, k)
        with drive.grad_mode(False):
            for r in range(world):
                losses[r].append(nn.functional.mse_loss(model(shard(x, r, world)), shard(y, r, world)).item())
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        params.append([p.detach().clone() for p in model.parameters()])
    return {"params": params, "losses": losses}


def _rank(rank, world, mod, store_path, seed, steps, batch, lr, queue, what, opt_name="sgd", spare=False,
          stale=False):
    try:
        dist.init_process_group("gloo", store=dist.FileStore(store_path, world), rank=rank, world_size=world)
        model = make(seed, spare)
        opt = optimizer(model, lr, opt_name)
        if what in ("average", "average_two"):
            x, y = data(seed, 1, batch)[0]
            nn.functional.mse_loss(model(shard(x, rank, world)), shard(y, rank, world)).backward()
            mod.average_gradients(model)
            result = [None if p.grad is None else p.grad.tolist() for p in model.parameters()]
            if what == "average_two":  # then a second model in the same process, one rank's weight gradient all zero
                other = make(seed + 1)
                x, y = zero_shard_data(seed, batch, world)
                nn.functional.mse_loss(other(shard(x, rank, world)), shard(y, rank, world)).backward()
                mod.average_gradients(other)
                result += [None if p.grad is None else p.grad.tolist() for p in other.parameters()]
        else:
            if stale:  # the model arrives with gradients left in .grad: train_step must zero them first
                xs, ys = stale_data(seed, batch, rank)
                nn.functional.mse_loss(model(xs), ys).backward()
            losses, params = [], []
            for k, (x, y) in enumerate(data(seed, steps, batch)):
                use_late(model, spare, k)
                loss = mod.train_step(model, opt, shard(x, rank, world), shard(y, rank, world))
                losses.append(loss if type(loss) is float else repr(loss)[:100])
                params.append([p.detach().tolist() for p in model.parameters()])
            result = {"params": params, "losses": losses}
        queue.put((rank, "ok", result))
        dist.destroy_process_group()
    except BaseException as e:  # report the learner's error to the parent instead of hanging it
        queue.put((rank, "error", f"{type(e).__name__}: {e}"[:300] + "\n" + traceback.format_exc()[-300:]))


def _warm_optimizer():
    """Take one SGD step here, before forking: its first use imports modules (about 1 s) that each rank would
    otherwise import again."""
    for opt_name in ("sgd", "sgd_groups", "adamw"):
        p = torch.zeros(1, requires_grad=True)
        opt = optimizer(nn.ParameterList([p]), 0.1, opt_name)
        p.sum().backward()
        opt.step()


def run_ranks(mod, seed, steps, batch, lr, what, world=WORLD, opt_name="sgd", spare=False, stale=False):
    """Fork `world` ranks, collect what each reports (lists of numbers back to tensors); errors come back as strings.
    opt_name picks the optimizer (see optimizer); spare adds a parameter the forward never uses; stale leaves
    gradients of an unrelated batch (different on every rank) in the model's .grad before the first train_step."""
    _warm_optimizer()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    store = os.path.join(tempfile.mkdtemp(dir=os.getcwd()), "store")  # the worker may write only under its cwd
    procs = [ctx.Process(target=_rank, args=(r, world, mod, store, seed, steps, batch, lr, queue, what, opt_name, spare,
                                             stale))
             for r in range(world)]
    for p in procs:
        p.start()
    results = {}
    try:
        for _ in procs:
            rank, status, value = queue.get(timeout=20)
            results[rank] = _tensors(value) if status == "ok" else {"error": value}
    except Exception as e:
        results.setdefault("error", f"a rank did not report within 20 s (a collective waiting for the other ranks?) {e!r}")
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
    return [results.get(r, {"error": results.get("error", "no report")}) for r in range(world)]


def _tensors(value):
    """Lists of numbers (what crossed the process boundary) back to float64 tensors."""
    as_tensor = lambda v: None if v is None else torch.tensor(v, dtype=torch.float64)  # noqa: E731
    if isinstance(value, dict):
        return {"params": [[as_tensor(v) for v in step] for step in value["params"]], "losses": value["losses"]}
    return [as_tensor(v) for v in value]
