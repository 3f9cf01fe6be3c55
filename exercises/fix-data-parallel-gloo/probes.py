"""Trusted helpers for fix-data-parallel-gloo, run in the worker: two gloo ranks in forked processes."""

import os
import tempfile
import traceback

import torch
import torch.distributed as dist
import multiprocessing as mp
from torch import nn

WORLD = 2


def make(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).double()


def data(seed, steps, batch):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.randn(batch, 4, generator=g, dtype=torch.float64), torch.randn(batch, 2, generator=g, dtype=torch.float64))
            for _ in range(steps)]


def single_process(seed, steps, batch, lr):
    """The reference: one process, whole batches, SGD with momentum."""
    model = make(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for x, y in data(seed, steps, batch):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


def _rank(rank, mod, store_path, seed, steps, batch, lr, queue, what):
    try:
        dist.init_process_group("gloo", store=dist.FileStore(store_path, WORLD), rank=rank, world_size=WORLD)
        model = make(seed)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        shard = batch // WORLD
        if what == "average":
            x, y = data(seed, 1, batch)[0]
            xs, ys = x[rank * shard:(rank + 1) * shard], y[rank * shard:(rank + 1) * shard]
            nn.functional.mse_loss(model(xs), ys).backward()
            mod.average_gradients(model)
            result = [p.grad.tolist() for p in model.parameters()]
        else:
            losses = []
            for x, y in data(seed, steps, batch):
                loss = mod.train_step(model, opt, x[rank * shard:(rank + 1) * shard], y[rank * shard:(rank + 1) * shard])
                losses.append(loss if type(loss) is float else None)
            result = {"params": [p.detach().tolist() for p in model.parameters()], "losses": losses}
        queue.put((rank, "ok", result))
        dist.destroy_process_group()
    except BaseException as e:  # report the learner's error to the parent instead of hanging it
        queue.put((rank, "error", f"{type(e).__name__}: {e}"[:300] + "\n" + traceback.format_exc()[-300:]))


def _warm_optimizer():
    """Take one SGD step here, before forking: its first use imports modules (about 1 s) that each rank would
    otherwise import again."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    p.sum().backward()
    opt.step()


def run_ranks(mod, seed, steps, batch, lr, what):
    """Fork 2 ranks, collect what each reports; errors come back as strings."""
    _warm_optimizer()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    store = os.path.join(tempfile.mkdtemp(), "store")
    procs = [ctx.Process(target=_rank, args=(r, mod, store, seed, steps, batch, lr, queue, what)) for r in range(WORLD)]
    for p in procs:
        p.start()
    results = {}
    try:
        for _ in procs:
            rank, status, value = queue.get(timeout=20)
            results[rank] = _tensors(value) if status == "ok" else {"error": value}
    except Exception as e:
        results.setdefault("error", f"a rank did not report within 20 s (a collective waiting for the other rank?) {e!r}")
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
    return [results.get(r, {"error": results.get("error", "no report")}) for r in range(WORLD)]


def _tensors(value):
    """Lists of numbers (what crossed the process boundary) back to float64 tensors."""
    if isinstance(value, dict):
        return {"params": [torch.tensor(v, dtype=torch.float64) for v in value["params"]], "losses": value["losses"]}
    return [torch.tensor(v, dtype=torch.float64) for v in value]
