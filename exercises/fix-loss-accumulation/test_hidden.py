"""Hidden graders for fix-loss-accumulation: every reference computed in the judge on the same model and batches
(probes.py loaded here), fixed large-offset cases next to random ones, and evaluate's graph measured from outside."""

import math

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
# evaluate() on one batch of 2048 through Linear(3, 1024) -> 6 x Tanh -> Linear(1024, 1): one activation is 16 MB.
# Without a graph the forward holds about two at a time (~32 MB at its peak); recording one keeps every Tanh output
# (~96 MB). The limit sits between the two, far from both.
DEEP = dict(hidden=1024, depth=6, size=2048)
DEEP_PEAK_LIMIT = 64 * 2**20
# Targets around 1e5 with residuals around 1: where ((a - b) ** 2) is exact in float64, a * a - 2 * a * b + b * b
# (or the loss taken in float32) is off by far more than the tolerance, whatever the seed.
OFFSET = 1e5


def reference_train(seed, n, lr, device, offset=0.0):
    model = P.make(seed, device, offset)
    opt = P.optimizer(model, lr)
    losses = []
    for x, y in P.batches(seed, n, device, offset):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach() for p in model.parameters()]


def reference_evaluate(seed, n, device, offset=0.0):
    model = P.make(seed, device, offset)
    with torch.no_grad():
        return sum(((model(x) - y) ** 2).mean().item() for x, y in P.batches(seed, n, device, offset)) / n


def check_train(learner, seed, n, device, offset, what):
    got = learner.probe("run_train", seed, n, 0.05, str(device), offset)
    want, params = reference_train(seed, n, 0.05, str(device), offset)
    losses = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(losses, list) or len(losses) != n:
        raise CheckFailure(f"train_epoch must return one loss per batch ({what})")
    for k, (a, b) in enumerate(zip(losses, want), start=1):
        value = kit.expect_float(a, what=f"the loss of batch {k}")
        if not math.isclose(value, b, rel_tol=1e-9, abs_tol=1e-12):
            raise CheckFailure(f"the loss train_epoch returns for batch {k} is not the batch's MSE before its step "
                               f"({what})")
    for i, (a, b) in enumerate(zip(got.get("params", []), params)):
        expect_close(a, b, what=f"parameter {i} after the epoch ({what})", rtol=1e-9, atol=1e-9)


def test_train_matches_reference(learner, device, rng):
    """train_epoch takes one zero_grad/backward/step per batch: losses and parameters match a reference loop, also
    with targets around 1e5 (where the loss must be computed as written, in float64)."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    n = int(torch.randint(3, 7, (1,), generator=rng))
    check_train(learner, seed, n, device, 0.0, f"{n} batches")
    check_train(learner, 11, 3, device, OFFSET, "targets around 1e5")


def test_train_epoch_returns_only_floats(learner, device, rng):
    """train_epoch returns Python floats, one per batch, which hold no graph (a loss tensor would keep its graph)."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("run_train", seed, 5, 0.05, str(device))
    losses = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(losses, list) or len(losses) != 5:
        raise CheckFailure("train_epoch must return a list with one loss per batch")
    for k, value in enumerate(losses, start=1):
        kit.expect_float(value, what=f"the loss of batch {k}")


def test_evaluate(learner, device, rng):
    """evaluate returns the mean batch loss as a float (also with targets around 1e5) and leaves the parameters and
    their .grad alone."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    n = int(torch.randint(2, 6, (1,), generator=rng))
    for offset, what in ((0.0, f"{n} batches"), (OFFSET, "targets around 1e5")):
        got = learner.probe("run_evaluate", seed, n, str(device), offset)
        if not isinstance(got, dict):
            raise CheckFailure("evaluate could not be run")
        value = kit.expect_float(got.get("value"), what="what evaluate returns")
        if not math.isclose(value, reference_evaluate(seed, n, str(device), offset), rel_tol=1e-9):
            raise CheckFailure(f"evaluate does not return the mean of the batches' losses ({what})")
        model = P.make(seed, str(device), offset)
        for i, (a, p) in enumerate(zip(got.get("params", []), model.parameters())):
            expect_close(a, p.detach(), what=f"parameter {i} after evaluate", rtol=0, atol=0)
        grads = got.get("grads")
        if not isinstance(grads, list) or any(g is None for g in grads):
            raise CheckFailure("evaluate must leave the parameters' .grad alone (it cleared them)")
        for i, (g, p) in enumerate(zip(grads, model.parameters())):
            expect_close(g, torch.full_like(p.detach(), 0.5), what=f"parameter {i}'s .grad after evaluate", rtol=0,
                         atol=0)


def test_evaluate_records_no_graph(learner, rng):
    """evaluate records no graph: during one large batch through a deep model the worker's memory (measured from
    outside) stays at what a graph-free forward needs."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    with learner.measure() as m:
        got = learner.probe("evaluate_deep", seed, DEEP["hidden"], DEEP["depth"], DEEP["size"])
    model = P.make(seed, "cpu", hidden=DEEP["hidden"], depth=DEEP["depth"])
    (x, y), = P.batches(seed, 1, "cpu", size=DEEP["size"])
    with torch.no_grad():
        want = ((model(x) - y) ** 2).mean().item()
    value = kit.expect_float(got, what="what evaluate returns")
    if not math.isclose(value, want, rel_tol=1e-9):
        raise CheckFailure("evaluate does not return the mean of the batches' losses (one batch of 2048, a deep model)")
    if m.peak_growth > DEEP_PEAK_LIMIT:
        raise CheckFailure(f"evaluate records a graph: over one batch of 2048 samples through a deep model the worker's "
                           f"memory rose by {m.peak_growth / 2**20:.0f} MB, every activation saved for a backward that "
                           "never comes (compute it under torch.no_grad())")
