"""Hidden graders for sgd-momentum: random parameters and gradients per run, compared with torch.optim.SGD."""

import torch

from grader.judge.checks import (CheckFailure, banned_names_used, compare_trajectories, expect_close,
                                 expect_raises)

BANNED = ["torch.optim.SGD", "torch.optim.sgd.SGD", "torch.optim.sgd.sgd", "torch.optim._functional.sgd"]
OPTIONS = [
    {"lr": 0.05},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.02, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1},
    {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.05, "nesterov": True},
]


def rand(rng, *shape, device):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device)


def problem(rng, device, steps=6, shapes=((3, 2), (4,))):
    initial = [rand(rng, *s, device=device) for s in shapes]
    grads = [[rand(rng, *s, device=device) for s in shapes] for _ in range(steps)]
    return initial, grads


def reference(initial, grads, options, groups=None, resume_at=None):
    params = [torch.nn.Parameter(p.clone()) for p in initial]

    def split(ps):
        if groups is None:
            return ps
        out, i = [], 0
        for count, hyper in groups:
            out.append({"params": ps[i:i + count], **hyper})
            i += count
        return out

    opt = torch.optim.SGD(split(params), **options)
    history = []
    for step, step_grads in enumerate(grads):
        if resume_at is not None and step == resume_at:
            saved = opt.state_dict()
            params = [torch.nn.Parameter(p.detach().clone()) for p in params]
            opt = torch.optim.SGD(split(params), **options)
            opt.load_state_dict(saved)
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.clone()
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def compare(learner, initial, grads, options, what, **kw):
    got = learner.probe("trajectory", initial, grads, options, **kw)
    want = reference(initial, grads, options, **kw)
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"{what}: the optimizer did not take {len(want)} steps")
    for i in range(len(initial)):
        compare_trajectories([step[i] if isinstance(step, list) and len(step) > i else step for step in got],
                             [step[i] for step in want], what=f"{what}, parameter {i}", rtol=1e-10, atol=1e-12)


def test_matches_torch_for_every_option(learner, device, rng):
    """Trajectories equal torch.optim.SGD's for momentum, dampening, weight decay and Nesterov, alone and combined."""
    for options in OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, initial, grads, options, f"with {options}")


def test_dampening_first_step(learner, device, rng):
    """With dampening, the first step uses the plain gradient: the buffer starts as a copy of it."""
    initial, grads = problem(rng, device, steps=2)
    compare(learner, initial, grads, {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, "with dampening 0.5")


def test_param_groups(learner, device, rng):
    """Each param group uses its own hyper-parameters."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,)))
    groups = [(1, {"lr": 0.1}), (1, {"momentum": 0.9, "nesterov": True}), (1, {"lr": 0.01, "weight_decay": 0.1})]
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.5}, "with three param groups", groups=groups)


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone (and its momentum is not advanced)."""
    initial, grads = problem(rng, device)
    for step in (1, 2, 4):
        grads[step][1] = None
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1},
            "when a parameter has no gradient at some steps")


def test_closure(learner, device, rng):
    """step(closure) calls the closure, returns its loss, and works inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    options = {"lr": 0.1, "momentum": 0.9}
    for under_no_grad in (False, True):
        got = learner.probe("closure_run", initial, targets, options, 4, under_no_grad)
        params = [torch.nn.Parameter(p.clone()) for p in initial]
        opt = torch.optim.SGD(params, **options)
        losses = []

        def closure():
            opt.zero_grad()
            loss = sum(((p - t) ** 2).sum() for p, t in zip(params, targets))
            loss.backward()
            return loss

        for _ in range(4):
            losses.append(opt.step(closure).detach())
        where = " inside torch.no_grad()" if under_no_grad else ""
        if got["calls"] != 4:
            raise CheckFailure(f"step(closure){where} should call the closure once per step",
                               f"it was called {got['calls']} times in 4 steps")
        for k, (a, b) in enumerate(zip(got["losses"], losses)):
            expect_close(a, b, what=f"the loss returned by step(closure){where} at step {k + 1}", rtol=1e-10)
        for i, (a, p) in enumerate(zip(got["params"], params)):
            expect_close(a, p.detach(), what=f"parameter {i} after 4 closure steps{where}", rtol=1e-10, atol=1e-12)


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=7)
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "dampening": 0.1}, "across a state_dict round trip",
            resume_at=3)


def test_invalid_values_raise(learner):
    """Invalid hyper-parameters raise ValueError, as torch.optim.SGD's do."""
    for options in ({"lr": -0.1}, {"lr": 0.1, "momentum": -0.5}, {"lr": 0.1, "weight_decay": -1.0},
                    {"lr": 0.1, "nesterov": True}, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}):
        expect_raises(lambda: learner.probe("construct", **options), "ValueError", what=f"SGD(params, **{options})")
    if learner.probe("construct", lr=0.1, momentum=0.9, nesterov=True) != "constructed":
        raise CheckFailure("SGD(params, lr=0.1, momentum=0.9, nesterov=True) is valid and must construct")


def test_does_not_use_torch_sgd(learner, source, device, rng):
    """The update is your own: torch.optim.SGD and torch's functional sgd are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the update rule yourself")
    initial, grads = problem(rng, device, steps=2)
    compare(learner, initial, grads, {"lr": 0.1, "momentum": 0.9}, "with momentum 0.9")
