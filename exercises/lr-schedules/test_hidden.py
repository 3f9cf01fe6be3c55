"""Hidden graders for lr-schedules: random and fixed edge configurations, whole sequences against
torch.optim.lr_scheduler run in the judge through the same harness (grader.drive.lr_trajectory) as the learner's."""

import warnings

import torch
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, SequentialLR, StepLR

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close


def uniform(rng, lo, hi):
    return lo + (hi - lo) * float(torch.rand((), generator=rng, dtype=torch.float64))


def randint(rng, lo, hi):
    return int(torch.randint(lo, hi + 1, (), generator=rng))


def torch_group_lrs(make, lrs, steps):
    """Every group's lr before the first step and after each of `steps` scheduler steps (t = 0 .. steps)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), make, steps, lrs=tuple(lrs))


def sequential(warmup, T_max, eta_min, start_factor):
    return lambda o: SequentialLR(o, [LinearLR(o, start_factor=start_factor, total_iters=warmup),
                                      CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min)], milestones=[warmup])


def check_sequence(learner, name, n, kwargs, make, what):
    got = learner.probe("sequence", name, n, kwargs)
    if not isinstance(got, list) or len(got) != n:
        raise CheckFailure(f"{name} must return one value per t")
    for t, value in enumerate(got):
        kit.expect_float(value, what=f"{name}(t, ...)")
    want = [step[0] for step in torch_group_lrs(make, [kwargs["base_lr"]], n - 1)]
    kit.expect_same_values(got, want, what=what, first_step=0, label="t")


def test_step_lr_matches_torch(learner, rng):
    """step_lr over 40 epochs equals StepLR's lr, for random step sizes and gammas, step_size 1, the default gamma and
    an explicit gamma = 0.0 (a falsy value that is not the default)."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.01, 1.0), "step_size": randint(rng, 2, 7), "gamma": uniform(rng, 0.1, 0.9)}
        check_sequence(learner, "step_lr", 40, kw, lambda o: StepLR(o, kw["step_size"], kw["gamma"]),
                       "step_lr over 40 epochs")
    check_sequence(learner, "step_lr", 8, {"base_lr": 0.3, "step_size": 1, "gamma": 0.5}, lambda o: StepLR(o, 1, 0.5),
                   "step_lr with step_size 1")
    check_sequence(learner, "step_lr", 12, {"base_lr": 0.5, "step_size": 3}, lambda o: StepLR(o, 3),
                   "step_lr with the default gamma 0.1")
    check_sequence(learner, "step_lr", 7, {"base_lr": 0.5, "step_size": 3, "gamma": 0.0}, lambda o: StepLR(o, 3, 0.0),
                   "step_lr with an explicit gamma = 0.0 (not the default: the lr drops to 0 at t = 3)")


def test_exponential_lr_matches_torch(learner, rng):
    """exponential_lr over 40 epochs equals ExponentialLR's lr, for random gammas."""
    for _ in range(3):
        kw = {"base_lr": uniform(rng, 0.01, 1.0), "gamma": uniform(rng, 0.5, 0.99)}
        check_sequence(learner, "exponential_lr", 40, kw, lambda o: ExponentialLR(o, kw["gamma"]),
                       "exponential_lr over 40 epochs")


def test_cosine_matches_torch_past_t_max(learner, rng):
    """cosine_lr equals CosineAnnealingLR for t up to 3 * T_max (it climbs back after T_max), with eta_min."""
    configs = [{"base_lr": uniform(rng, 0.05, 1.0), "T_max": randint(rng, 3, 15), "eta_min": uniform(rng, 0.001, 0.01)}
               for _ in range(3)]
    configs += [{"base_lr": 0.2, "T_max": 1, "eta_min": 0.01}, {"base_lr": 0.2, "T_max": 5}]
    for kw in configs:
        check_sequence(learner, "cosine_lr", 3 * kw["T_max"] + 2, kw,
                       lambda o: CosineAnnealingLR(o, T_max=kw["T_max"], eta_min=kw.get("eta_min", 0.0)),
                       f"cosine_lr up to 3 * T_max (T_max = {kw['T_max']})")


def test_warmup_cosine_matches_sequential_lr(learner, rng):
    """warmup_cosine_lr equals SequentialLR([LinearLR, CosineAnnealingLR], milestones=[warmup]) across the boundary."""
    configs = [{"base_lr": uniform(rng, 0.05, 1.0), "warmup": randint(rng, 2, 6), "T_max": randint(rng, 4, 12),
                "eta_min": uniform(rng, 0.001, 0.01), "start_factor": uniform(rng, 0.05, 0.5)} for _ in range(3)]
    configs += [{"base_lr": 0.4, "warmup": 1, "T_max": 3, "eta_min": 0.01, "start_factor": 0.25},
                {"base_lr": 0.4, "warmup": 4, "T_max": 2}]  # the defaults: eta_min 0, start_factor 0.1
    for kw in configs:
        check_sequence(learner, "warmup_cosine_lr", kw["warmup"] + 2 * kw["T_max"] + 2, kw,
                       sequential(kw["warmup"], kw["T_max"], kw.get("eta_min", 0.0), kw.get("start_factor", 0.1)),
                       f"warmup_cosine_lr across the warm-up boundary (warmup = {kw['warmup']}) and past T_max")


def check_scheduler(learner, lrs, kw, steps, write=False, what=""):
    got = learner.probe("scheduler_run", lrs, steps, kw, write)
    want = torch_group_lrs(sequential(kw["warmup"], kw["T_max"], kw.get("eta_min", 0.0), kw.get("start_factor", 0.1)),
                           lrs, steps)
    if not isinstance(got, dict) or not isinstance(got.get("group_lrs"), list) or len(got["group_lrs"]) != steps + 1:
        raise CheckFailure("WarmupCosine must set the groups' lrs at construction and at every step()")
    for t, (g, w) in enumerate(zip(got["group_lrs"], want)):
        kit.expect_same_values(g, w, what=f"the param groups' lrs after {t} step() calls (t = {t}){what}",
                               label="group")
    return got


def test_scheduler_class_per_group(learner, rng):
    """WarmupCosine sets each group's lr from its own initial lr, at construction (t = 0) and after every step()."""
    lrs = [uniform(rng, 0.05, 0.5), uniform(rng, 0.001, 0.01), 0.02]
    kw = {"warmup": randint(rng, 2, 5), "T_max": randint(rng, 5, 10), "eta_min": 1e-4, "start_factor": 0.2}
    check_scheduler(learner, lrs, kw, kw["warmup"] + kw["T_max"] + 3)
    check_scheduler(learner, [0.3], {"warmup": 2, "T_max": 3}, 7)  # the defaults
    # two schedulers alive at once: each one's t advances only with its own step() (a step counter shared by every
    # WarmupCosine, a class attribute or a module-level one, is reset or advanced by the other). The first one is
    # always 3 steps into a warm-up of at least 4 steps when the second is built, so a shared counter always shows.
    kw_a = {"warmup": randint(rng, 4, 6), "T_max": randint(rng, 3, 8), "eta_min": uniform(rng, 1e-5, 1e-3),
            "start_factor": uniform(rng, 0.05, 0.5)}
    kw_b = {"warmup": randint(rng, 1, 3), "T_max": randint(rng, 3, 8)}
    lrs_a, lrs_b = [uniform(rng, 0.05, 0.5), 0.01], [uniform(rng, 0.05, 0.5)]
    actions = ["a", "a", "a", "new b", "a", "b", "b", "a", "b", "a", "a", "a", "b"]
    got = learner.probe("two_schedulers", lrs_a, kw_a, lrs_b, kw_b, actions)
    n_a, n_b = actions.count("a"), actions.count("b")
    want_a = torch_group_lrs(sequential(kw_a["warmup"], kw_a["T_max"], kw_a["eta_min"], kw_a["start_factor"]), lrs_a,
                             n_a)
    want_b = torch_group_lrs(sequential(kw_b["warmup"], kw_b["T_max"], 0.0, 0.1), lrs_b, n_b)
    if not isinstance(got, list) or len(got) != len(actions) + 1:
        raise CheckFailure("two WarmupCosine alive at once could not be driven")
    steps, built = {"a": 0, "b": 0}, False
    for i, (action, row) in enumerate(zip([None] + actions, got)):
        if action == "new b":
            built = True
        elif action is not None:
            steps[action] += 1
        what = (f"after action {i} of {['built a'] + actions} (two WarmupCosine alive at once, the second built "
                "after the first's third step(); each scheduler's t counts only its own step() calls: keep the count "
                "on the instance)")
        if not isinstance(row, list) or len(row) != 2:
            raise CheckFailure("two WarmupCosine alive at once could not be driven")
        kit.expect_same_values(row[0], want_a[steps["a"]], what=f"the first optimizer's lrs {what}", label="group")
        if built:
            kit.expect_same_values(row[1], want_b[steps["b"]], what=f"the second optimizer's lrs {what}",
                                   label="group")


def test_get_last_lr(learner, rng):
    """get_last_lr() returns a new list of the groups' current lrs (Python floats) at construction and after each step,
    equal to the groups' lrs (relative 1e-12, not rounded), for lrs with many significant digits: T_max = 5 makes the
    cosine irrational (cos(pi / 5)), and random initial lrs, start factor and eta_min."""
    configs = [([0.1, 0.02], {"warmup": 2, "T_max": 5}, 8),
               ([uniform(rng, 0.05, 0.5), uniform(rng, 0.001, 0.01)],
                {"warmup": randint(rng, 1, 4), "T_max": randint(rng, 3, 7), "eta_min": uniform(rng, 1e-5, 1e-4),
                 "start_factor": uniform(rng, 0.05, 0.5)}, 9)]
    for lrs, kw, steps in configs:
        got = check_scheduler(learner, lrs, kw, steps)
        last = got.get("last_lr")
        if not isinstance(last, list) or len(last) != steps + 1:
            raise CheckFailure("get_last_lr() must be callable at construction and after every step()")
        for t, (a, b) in enumerate(zip(last, got["group_lrs"])):
            if not isinstance(a, list) or len(a) != 2:
                raise CheckFailure(f"get_last_lr() after {t} step() calls must be a list with one lr per group")
            for value in a:
                kit.expect_float(value, what=f"get_last_lr() after {t} step() calls")
            kit.expect_same_values(a, b, what=f"get_last_lr() after {t} step() calls (the groups' lrs exactly, not "
                                              "rounded, kept by the caller until the end)", label="group")
    # the list is the caller's: writing into each one returned (start factor 1, so that the warm-up's lrs are the
    # initial ones) must change neither the schedule nor what get_last_lr() returns after the next step()
    lrs, kw, steps = [uniform(rng, 0.05, 0.5), 0.02], {"warmup": 3, "T_max": 4, "start_factor": 1.0}, 9
    got = check_scheduler(learner, lrs, kw, steps, write=True,
                          what=", with the caller writing -1.0 into every list get_last_lr() returned: a list that "
                               "shares its entries with the scheduler's state (its initial lrs, say) hands the "
                               "caller the schedule; return a new list, [group['lr'] for group in ...]")
    for t, (a, b) in enumerate(zip(got.get("last_lr") or [], got["group_lrs"])):
        kit.expect_same_values(a, b, what=f"get_last_lr() after {t} step() calls, the caller having written -1.0 "
                                          "into each list returned before (a new list each time)", label="group")


def reference_train(weight, bias, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min):
    model = torch.nn.Linear(weight.shape[1], 1).to(weight.device, weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    opt = torch.optim.SGD(model.parameters(), lr=base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
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
    """train() uses lr schedule(t) for every batch of epoch t (the short last batch included, a single sample too),
    stepping the scheduler once per epoch, after the epoch; it returns the lrs as floats; a second call on the same
    model is a new run with its own arguments (no optimizer or schedule carried over)."""
    for n, batch_size, kw in ((26, 8, dict(epochs=9, base_lr=0.1, warmup=3, T_max=5, eta_min=0.001)),
                              (13, 5, dict(epochs=4, base_lr=0.05, warmup=1, T_max=2)),
                              (17, 4, dict(epochs=3, base_lr=0.1, warmup=1, T_max=3))):
        d = 3
        X = torch.randn(n, d, generator=rng, dtype=torch.float64).to(device)
        y = X @ torch.randn(d, 1, generator=rng, dtype=torch.float64).to(device) + 0.5
        weight = torch.randn(1, d, generator=rng, dtype=torch.float64).to(device)
        bias = torch.zeros(1, dtype=torch.float64, device=device)
        got = learner.probe("train_run", weight, bias, X, y, batch_size=batch_size, **kw)
        lrs, w, b = reference_train(weight, bias, X, y, batch_size=batch_size, **{"eta_min": 0.0, **kw})
        where = f"{n} samples in batches of {batch_size}"
        if not isinstance(got, dict) or not isinstance(got.get("lrs"), list) or len(got["lrs"]) != len(lrs):
            raise CheckFailure(f"train() must return the lr used in each epoch, one float per epoch ({where})")
        for value in got["lrs"]:
            kit.expect_float(value, what="each lr train() returns")
        kit.expect_same_values(got["lrs"], lrs, what=f"the lr used in each epoch ({where})", first_step=1,
                               label="epoch")
        steps = (f"{where}: one SGD step on each X[i:i + batch_size], i in range(0, {n}, {batch_size}), "
                 "the last included")
        expect_close(got["weight"], w, rtol=1e-10, atol=1e-12, what=f"the weight after training ({steps})")
        expect_close(got["bias"], b, rtol=1e-10, atol=1e-12, what=f"the bias after training ({steps})")
    # called twice on the same model: the second call is a new run (a new SGD and a new schedule from t = 0, with its
    # own base_lr, warmup and T_max), starting from the weights the first left
    n, batch_size, d = 12, 5, 3
    X = torch.randn(n, d, generator=rng, dtype=torch.float64).to(device)
    y = X @ torch.randn(d, 1, generator=rng, dtype=torch.float64).to(device) - 0.25
    weight = torch.randn(1, d, generator=rng, dtype=torch.float64).to(device)
    bias = torch.zeros(1, dtype=torch.float64, device=device)
    first = dict(epochs=4, batch_size=batch_size, base_lr=0.1, warmup=2, T_max=3)
    second = dict(epochs=3, batch_size=batch_size, base_lr=0.05, warmup=1, T_max=4, eta_min=0.01)
    got = learner.probe("train_twice", weight, bias, X, y, first, second)
    lrs1, w1, b1 = reference_train(weight, bias, X, y, **{"eta_min": 0.0, **first})
    lrs2, w2, b2 = reference_train(w1, b1, X, y, **second)
    if not isinstance(got, list) or len(got) != 2 or not all(isinstance(r, dict) and isinstance(r.get("lrs"), list)
                                                            for r in got):
        raise CheckFailure("train() must return the lr used in each epoch, one float per epoch (called twice)")
    for k, (lrs, w, b) in enumerate(((lrs1, w1, b1), (lrs2, w2, b2))):
        call = "the second call of train() on the same model" if k else "the first call of train()"
        if len(got[k]["lrs"]) != len(lrs):
            raise CheckFailure(f"{call} must return one lr per epoch")
        kit.expect_same_values(got[k]["lrs"], lrs, what=f"the lr used in each epoch by {call} (each call builds "
                               "its own SGD and WarmupCosine from its own arguments, t starting at 0)",
                               first_step=1, label="epoch")
        expect_close(got[k]["weight"], w, rtol=1e-10, atol=1e-12, what=f"the weight after {call}")
        expect_close(got[k]["bias"], b, rtol=1e-10, atol=1e-12, what=f"the bias after {call}")
