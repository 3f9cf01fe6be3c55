"""Hidden graders for rmsprop-adagrad: random parameters and gradients per run, compared with torch.optim."""

import torch

from grader.judge.checks import (CheckFailure, banned_names_used, compare_trajectories, expect_close,
                                 expect_raises)

BANNED = ["torch.optim.RMSprop", "torch.optim.Adagrad", "torch.optim.rmsprop.RMSprop", "torch.optim.adagrad.Adagrad",
          "torch.optim.rmsprop.rmsprop", "torch.optim.adagrad.adagrad"]
TORCH = {"RMSprop": torch.optim.RMSprop, "Adagrad": torch.optim.Adagrad}
RMSPROP_OPTIONS = [
    {"lr": 0.01},
    {"lr": 0.02, "alpha": 0.8},
    {"lr": 0.01, "weight_decay": 0.1, "eps": 1e-3},
]
ADAGRAD_OPTIONS = [
    {"lr": 0.1},
    {"lr": 0.2, "weight_decay": 0.1},
    {"lr": 0.1, "eps": 1e-2},
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


def test_rmsprop_matches_torch(learner, device, rng):
    """RMSprop's trajectories equal torch.optim.RMSprop's for several lr, alpha, eps and weight decays."""
    for options in RMSPROP_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")


def test_rmsprop_momentum(learner, device, rng):
    """With momentum the buffer (starting at 0) accumulates g / avg and p moves by lr * buffer."""
    for options in ({"lr": 0.01, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.2}):
        initial, grads = problem(rng, device)
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")


def test_rmsprop_centered(learner, device, rng):
    """centered=True divides by sqrt(v - a * a) + eps, a being the running mean of the gradient."""
    for options in ({"lr": 0.01, "centered": True, "alpha": 0.9},
                    {"lr": 0.01, "centered": True, "momentum": 0.8, "alpha": 0.7}):
        initial, grads = problem(rng, device)
        for g in grads[2]:
            g.add_(3.0)  # a gradient with a large mean, so centring changes the denominator a lot
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")


def test_adagrad_matches_torch(learner, device, rng):
    """Adagrad's trajectories equal torch.optim.Adagrad's for several lr, eps and weight decays."""
    for options in ADAGRAD_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "Adagrad", initial, grads, options, f"Adagrad with {options}")


def test_adagrad_lr_decay_and_initial_sum(learner, device, rng):
    """lr_decay gives step t the rate lr / (1 + (t - 1) * lr_decay); the sum starts at initial_accumulator_value."""
    for options in ({"lr": 0.1, "lr_decay": 0.5}, {"lr": 0.1, "initial_accumulator_value": 2.0},
                    {"lr": 0.3, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.1}):
        initial, grads = problem(rng, device)
        compare(learner, "Adagrad", initial, grads, options, f"Adagrad with {options}")


def test_param_groups(learner, device, rng):
    """Each param group uses its own hyper-parameters."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,)))
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01}, "RMSprop with three param groups",
            groups=[(1, {"lr": 0.05}), (1, {"momentum": 0.9, "centered": True}), (1, {"alpha": 0.5})])
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1}, "Adagrad with three param groups",
            groups=[(1, {"lr": 0.5}), (1, {"lr_decay": 0.3}), (1, {"weight_decay": 0.3, "eps": 1e-3})])


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone, and its own state (Adagrad's step count) does not advance."""
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 2, 3):
        grads[step][1] = None
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9},
            "RMSprop when a parameter has no gradient at some steps")
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.5},
            "Adagrad when a parameter has no gradient at some steps")


def test_closure(learner, device, rng):
    """step(closure) calls the closure once, returns its loss, and works inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    for cls, options in (("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1})):
        for under_no_grad in (False, True):
            got = learner.probe("closure_run", cls, initial, targets, options, 3, under_no_grad)
            params = [torch.nn.Parameter(p.clone()) for p in initial]
            opt = TORCH[cls](params, **options)

            def closure():
                opt.zero_grad()
                loss = sum(((p - t) ** 2).sum() for p, t in zip(params, targets))
                loss.backward()
                return loss

            losses = [opt.step(closure).detach() for _ in range(3)]
            where = f"{cls}.step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
            if got["calls"] != 3:
                raise CheckFailure(f"{where} should call the closure once per step",
                                   f"it was called {got['calls']} times in 3 steps")
            for k, (a, b) in enumerate(zip(got["losses"], losses)):
                expect_close(a, b, what=f"the loss returned by {where} at step {k + 1}", rtol=1e-10, atol=1e-12)
            for i, (a, p) in enumerate(zip(got["params"], params)):
                expect_close(a, p.detach(), what=f"parameter {i} after 3 steps of {where}", rtol=1e-10, atol=1e-12)


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=6)
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "centered": True},
            "RMSprop across a state_dict round trip", resume_at=3)
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.2},
            "Adagrad across a state_dict round trip", resume_at=3)


def test_invalid_values_raise(learner):
    """Negative hyper-parameters raise ValueError, as torch's do; zeros construct."""
    cases = {"RMSprop": ({"lr": -0.1}, {"alpha": -0.5}, {"eps": -1e-8}, {"momentum": -0.9}, {"weight_decay": -0.1}),
             "Adagrad": ({"lr": -0.1}, {"lr_decay": -0.1}, {"weight_decay": -0.1},
                         {"initial_accumulator_value": -1.0}, {"eps": -1e-10})}
    for cls, bad in cases.items():
        for options in bad:
            expect_raises(lambda: learner.probe("construct", cls, **options), "ValueError",
                          what=f"{cls}(params, **{options})")
    if learner.probe("construct", "RMSprop", lr=0.0, alpha=0.0, eps=0.0, momentum=0.0) != "constructed":
        raise CheckFailure("RMSprop(params, lr=0, alpha=0, eps=0, momentum=0) is valid and must construct")


def test_does_not_use_torch_optimizers(learner, source, device, rng):
    """The updates are your own: torch.optim.RMSprop, Adagrad and their functional forms are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the update rules yourself")
    initial, grads = problem(rng, device, steps=2)
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01}, "RMSprop with lr 0.01")
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1}, "Adagrad with lr 0.1")
