"""Hidden graders for lr-schedules: random configurations, whole sequences against torch.optim.lr_scheduler."""

import warnings

import torch
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, SequentialLR, StepLR

from grader.judge.checks import CheckFailure, banned_names_used, compare_trajectories, expect_close

BANNED = ["torch.optim.lr_scheduler." + n for n in (
    "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "SequentialLR",
    "LambdaLR", "MultiplicativeLR", "ConstantLR", "PolynomialLR", "ChainedScheduler", "OneCycleLR",
    "CosineAnnealingWarmRestarts", "CyclicLR", "ReduceLROnPlateau")]


def uniform(rng, lo, hi):
    return lo + (hi - lo) * float(torch.rand((), generator=rng, dtype=torch.float64))


def randint(rng, lo, hi):
    return int(torch.randint(lo, hi + 1, (), generator=rng))


def torch_group_lrs(make, lrs, n):
    """Every group's lr at t = 0 .. n-1 under make(optimizer), for an SGD with one group per base lr."""
    opt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = make(opt)
        out = []
        for _ in range(n):
            out.append([g["lr"] for g in opt.param_groups])
            opt.step()
            sched.step()
    return torch.tensor(out, dtype=torch.float64)


def sequential(warmup, T_max, eta_min, start_factor):
    return lambda o: SequentialLR(o, [LinearLR(o, start_factor=start_factor, total_iters=warmup),
                                      CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min)], milestones=[warmup])


def check_sequence(learner, name, n, kwargs, make, what):
    got = learner.probe("sequence", name, n, kwargs)
    if not isinstance(got, list) or not all(isinstance(v, float) for v in got):
        raise CheckFailure(f"{name} must return a Python float")
    want = torch_group_lrs(make, [kwargs["base_lr"]], n)[:, 0]
    expect_close(torch.tensor(got, dtype=torch.float64), want, rtol=1e-12, atol=1e-15, what=what)


def test_step_lr_matches_torch(learner, rng):
    """step_lr over 40 epochs equals StepLR's lr, for random step sizes and gammas."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.01, 1.0), "step_size": randint(rng, 1, 7), "gamma": uniform(rng, 0.1, 0.9)}
        check_sequence(learner, "step_lr", 40, kw, lambda o: StepLR(o, kw["step_size"], kw["gamma"]),
                       "step_lr over 40 epochs")
    check_sequence(learner, "step_lr", 12, {"base_lr": 0.5, "step_size": 3}, lambda o: StepLR(o, 3),
                   "step_lr with the default gamma 0.1")


def test_exponential_lr_matches_torch(learner, rng):
    """exponential_lr over 40 epochs equals ExponentialLR's lr, for random gammas."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.01, 1.0), "gamma": uniform(rng, 0.5, 0.99)}
        check_sequence(learner, "exponential_lr", 40, kw, lambda o: ExponentialLR(o, kw["gamma"]),
                       "exponential_lr over 40 epochs")


def test_cosine_matches_torch_past_t_max(learner, rng):
    """cosine_lr equals CosineAnnealingLR for t up to 3 * T_max (it climbs back after T_max), with eta_min."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.05, 1.0), "T_max": randint(rng, 3, 15), "eta_min": uniform(rng, 0.0, 0.01)}
        check_sequence(learner, "cosine_lr", 3 * kw["T_max"] + 1, kw,
                       lambda o: CosineAnnealingLR(o, T_max=kw["T_max"], eta_min=kw["eta_min"]),
                       "cosine_lr up to 3 * T_max")


def test_warmup_cosine_matches_sequential_lr(learner, rng):
    """warmup_cosine_lr equals SequentialLR([LinearLR, CosineAnnealingLR], milestones=[warmup]) across the boundary."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.05, 1.0), "warmup": randint(rng, 1, 6), "T_max": randint(rng, 4, 12),
              "eta_min": uniform(rng, 0.0, 0.01), "start_factor": uniform(rng, 0.05, 0.5)}
        check_sequence(learner, "warmup_cosine_lr", kw["warmup"] + 2 * kw["T_max"] + 2, kw,
                       sequential(kw["warmup"], kw["T_max"], kw["eta_min"], kw["start_factor"]),
                       "warmup_cosine_lr across the warm-up boundary and past T_max")


def test_scheduler_class_per_group(learner, rng):
    """WarmupCosine sets each group's lr from its own initial lr, at construction and after every step()."""
    lrs = [uniform(rng, 0.05, 0.5), uniform(rng, 0.001, 0.01)]
    kw = {"warmup": randint(rng, 2, 5), "T_max": randint(rng, 5, 10), "eta_min": 1e-4, "start_factor": 0.2}
    n = kw["warmup"] + kw["T_max"] + 3
    got = learner.probe("scheduler_run", lrs, n, kw)
    want = torch_group_lrs(sequential(kw["warmup"], kw["T_max"], kw["eta_min"], kw["start_factor"]), lrs, n + 1)
    seen = got["group_lrs"]
    if not isinstance(seen, list) or len(seen) != n + 1:
        raise CheckFailure("WarmupCosine did not set the lrs at construction and at every step")
    compare_trajectories([torch.tensor(s, dtype=torch.float64) for s in seen], list(want),
                         what="the param groups' lrs (construction counts as step 1)", rtol=1e-12, atol=1e-15)


def test_get_last_lr(learner, rng):
    """get_last_lr() returns the list of the groups' current lrs, as floats."""
    got = learner.probe("scheduler_run", [0.1, 0.02], 6, {"warmup": 2, "T_max": 3})
    last = got["last_lr"]
    for k, (a, b) in enumerate(zip(last, got["group_lrs"][1:])):
        if not isinstance(a, list) or not all(isinstance(v, float) for v in a) or a != b:
            raise CheckFailure(f"get_last_lr() after step {k + 1} must be the list of the groups' lrs")


def reference_train(weight, bias, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min):
    model = torch.nn.Linear(weight.shape[1], 1).to(weight.device, weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    opt = torch.optim.SGD(model.parameters(), lr=base_lr)
    sched = sequential(warmup, T_max, eta_min, 0.1)(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        for i in range(0, len(X), batch_size):
            opt.zero_grad()
            F.mse_loss(model(X[i:i + batch_size]), y[i:i + batch_size]).backward()
            opt.step()
        sched.step()
    return lrs, model.weight.detach(), model.bias.detach()


def test_train_steps_the_scheduler_per_epoch(learner, device, rng):
    """train() uses lr schedule(t) for every batch of epoch t, stepping the scheduler once per epoch, after the epoch."""
    n, d = 24, 3
    X = torch.randn(n, d, generator=rng, dtype=torch.float64).to(device)
    y = X @ torch.randn(d, 1, generator=rng, dtype=torch.float64).to(device) + 0.5
    weight = torch.randn(1, d, generator=rng, dtype=torch.float64).to(device)
    bias = torch.zeros(1, dtype=torch.float64, device=device)
    kw = dict(epochs=9, batch_size=8, base_lr=0.1, warmup=3, T_max=5, eta_min=0.001)
    got = learner.probe("train_run", weight, bias, X, y, **kw)
    lrs, w, b = reference_train(weight, bias, X, y, **kw)
    if not isinstance(got.get("lrs"), list) or len(got["lrs"]) != len(lrs):
        raise CheckFailure("train() must return the lr used in each epoch, one float per epoch")
    expect_close(torch.tensor(got["lrs"], dtype=torch.float64), torch.tensor(lrs, dtype=torch.float64), rtol=1e-12,
                 atol=1e-15, what="the lr used in each epoch")
    expect_close(got["weight"], w, rtol=1e-10, atol=1e-12, what="the weight after training")
    expect_close(got["bias"], b, rtol=1e-10, atol=1e-12, what="the bias after training")


def test_no_torch_schedulers(learner, source):
    """The schedules are your own: torch.optim.lr_scheduler classes are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the schedule yourself")
    check_sequence(learner, "warmup_cosine_lr", 8, {"base_lr": 0.2, "warmup": 2, "T_max": 4},
                   sequential(2, 4, 0.0, 0.1), "warmup_cosine_lr")
