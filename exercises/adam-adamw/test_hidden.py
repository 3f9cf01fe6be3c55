"""Hidden graders for adam-adamw: random parameters and gradients per run, compared with torch.optim.Adam/AdamW."""

import torch

from grader.judge.checks import (CheckFailure, banned_names_used, compare_trajectories, expect_close,
                                 expect_raises)

BANNED = ["torch.optim.Adam", "torch.optim.AdamW", "torch.optim.adam.Adam", "torch.optim.adamw.AdamW",
          "torch.optim.adam.adam", "torch.optim.adamw.adamw"]
TORCH = {"Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
ADAM_OPTIONS = [
    {"lr": 0.01},
    {"lr": 0.05, "betas": (0.8, 0.99)},
    {"lr": 0.02, "weight_decay": 0.1},
    {"lr": 0.01, "betas": (0.0, 0.9), "eps": 1e-3},
    {"lr": 0.03, "betas": (0.9, 0.5), "weight_decay": 0.05},
]
ADAMW_OPTIONS = [
    {"lr": 0.01},  # the default weight_decay, 1e-2
    {"lr": 0.05, "weight_decay": 0.3},
    {"lr": 0.02, "betas": (0.7, 0.95), "weight_decay": 0.0},
    {"lr": 0.1, "weight_decay": 0.5, "eps": 1e-4},
]


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def problem(rng, device, steps=6, shapes=((3, 2), (4,)), scale=1.0):
    initial = [rand(rng, *s, device=device) for s in shapes]
    grads = [[rand(rng, *s, device=device, scale=scale) for s in shapes] for _ in range(steps)]
    return initial, grads


def reference(cls, initial, grads, options, groups=None, resume_at=None):
    params = [torch.nn.Parameter(p.clone()) for p in initial]

    def split(ps):
        if groups is None:
            return ps
        out, i = [], 0
        for count, hyper in groups:
            out.append({"params": ps[i:i + count], **hyper})
            i += count
        return out

    opt = TORCH[cls](split(params), **options)
    history = []
    for step, step_grads in enumerate(grads):
        if resume_at is not None and step == resume_at:
            saved = opt.state_dict()
            params = [torch.nn.Parameter(p.detach().clone()) for p in params]
            opt = TORCH[cls](split(params), **options)
            opt.load_state_dict(saved)
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.clone()
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history


def compare(learner, cls, initial, grads, options, what, **kw):
    got = learner.probe("trajectory", cls, initial, grads, options, **kw)
    want = reference(cls, initial, grads, options, **kw)
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"{what}: the optimizer did not take {len(want)} steps")
    for i in range(len(initial)):
        compare_trajectories([step[i] if isinstance(step, list) and len(step) > i else step for step in got],
                             [step[i] for step in want], what=f"{what}, parameter {i}", rtol=1e-10, atol=1e-12)


def test_adam_matches_torch(learner, device, rng):
    """Adam's trajectories equal torch.optim.Adam's for several lr, betas, eps and (L2) weight decays."""
    for options in ADAM_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "Adam", initial, grads, options, f"Adam with {options}")


def test_adamw_matches_torch(learner, device, rng):
    """AdamW's trajectories equal torch.optim.AdamW's: decoupled decay p *= 1 - lr * weight_decay, default 1e-2."""
    for options in ADAMW_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "AdamW", initial, grads, options, f"AdamW with {options}")


def test_bias_correction(learner, device, rng):
    """The first steps use bias-corrected averages: the very first step moves each entry by about lr."""
    initial, grads = problem(rng, device, steps=2, scale=5.0)
    compare(learner, "Adam", initial, grads, {"lr": 0.1}, "Adam's first two steps")
    compare(learner, "AdamW", initial, grads, {"lr": 0.1, "betas": (0.5, 0.9)}, "AdamW's first two steps")


def test_eps_outside_the_square_root(learner, device, rng):
    """With tiny gradients eps matters: denom = sqrt(v) / sqrt(1 - beta2**t) + eps, as torch computes it."""
    initial, grads = problem(rng, device, steps=5, scale=1e-7)
    compare(learner, "Adam", initial, grads, {"lr": 0.01}, "Adam with gradients around 1e-7")
    compare(learner, "AdamW", initial, grads, {"lr": 0.01, "eps": 1e-6}, "AdamW with gradients around 1e-7")


def test_amsgrad(learner, device, rng):
    """amsgrad=True divides by the running maximum of v (before bias correction), for Adam and AdamW."""
    for cls, options in (("Adam", {"lr": 0.05, "amsgrad": True, "betas": (0.9, 0.9)}),
                         ("AdamW", {"lr": 0.05, "amsgrad": True, "betas": (0.5, 0.8), "weight_decay": 0.2})):
        initial, grads = problem(rng, device, steps=8)
        for k in (3, 4, 6):  # shrinking gradients make v fall, so the maximum differs from v
            grads[k] = [g * 0.05 for g in grads[k]]
        compare(learner, cls, initial, grads, options, f"{cls} with {options}")


def test_param_groups(learner, device, rng):
    """Each param group uses its own hyper-parameters."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,)))
    groups = [(1, {"lr": 0.1}), (1, {"betas": (0.5, 0.6), "amsgrad": True}), (1, {"lr": 0.01, "weight_decay": 0.2})]
    compare(learner, "Adam", initial, grads, {"lr": 0.05}, "Adam with three param groups", groups=groups)
    compare(learner, "AdamW", initial, grads, {"lr": 0.05}, "AdamW with three param groups", groups=groups)


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone, and its own step count is not advanced."""
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 2, 3):
        grads[step][1] = None
    compare(learner, "Adam", initial, grads, {"lr": 0.05, "weight_decay": 0.1},
            "Adam when a parameter has no gradient at some steps")
    compare(learner, "AdamW", initial, grads, {"lr": 0.05, "weight_decay": 0.1},
            "AdamW when a parameter has no gradient at some steps")


def test_closure(learner, device, rng):
    """step(closure) calls the closure once, returns its loss, and works inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    for cls, options in (("Adam", {"lr": 0.1}), ("AdamW", {"lr": 0.1, "weight_decay": 0.1})):
        for under_no_grad in (False, True):
            got = learner.probe("closure_run", cls, initial, targets, options, 4, under_no_grad)
            params = [torch.nn.Parameter(p.clone()) for p in initial]
            opt = TORCH[cls](params, **options)

            def closure():
                opt.zero_grad()
                loss = sum(((p - t) ** 2).sum() for p, t in zip(params, targets))
                loss.backward()
                return loss

            losses = [opt.step(closure).detach() for _ in range(4)]
            where = f"{cls}.step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
            if got["calls"] != 4:
                raise CheckFailure(f"{where} should call the closure once per step",
                                   f"it was called {got['calls']} times in 4 steps")
            for k, (a, b) in enumerate(zip(got["losses"], losses)):
                expect_close(a, b, what=f"the loss returned by {where} at step {k + 1}", rtol=1e-10, atol=1e-12)
            for i, (a, p) in enumerate(zip(got["params"], params)):
                expect_close(a, p.detach(), what=f"parameter {i} after 4 steps of {where}", rtol=1e-10, atol=1e-12)


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=7)
    compare(learner, "Adam", initial, grads, {"lr": 0.05, "amsgrad": True}, "Adam across a state_dict round trip",
            resume_at=3)
    compare(learner, "AdamW", initial, grads, {"lr": 0.05, "weight_decay": 0.2},
            "AdamW across a state_dict round trip", resume_at=3)


def test_invalid_values_raise(learner):
    """Invalid hyper-parameters raise ValueError, as torch's do; valid edge values construct."""
    bad = ({"lr": -0.1}, {"eps": -1e-8}, {"betas": (1.0, 0.999)}, {"betas": (0.9, -0.1)}, {"weight_decay": -0.01})
    for cls in ("Adam", "AdamW"):
        for options in bad:
            expect_raises(lambda: learner.probe("construct", cls, **options), "ValueError",
                          what=f"{cls}(params, **{options})")
        if learner.probe("construct", cls, lr=0.0, betas=(0.0, 0.0), eps=0.0, weight_decay=0.0) != "constructed":
            raise CheckFailure(f"{cls}(params, lr=0, betas=(0, 0), eps=0, weight_decay=0) is valid and must construct")


def test_does_not_use_torch_adam(learner, source, device, rng):
    """The update is your own: torch.optim.Adam, AdamW and their functional forms are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the update rule yourself")
    initial, grads = problem(rng, device, steps=2)
    compare(learner, "AdamW", initial, grads, {"lr": 0.1}, "AdamW with lr 0.1")
