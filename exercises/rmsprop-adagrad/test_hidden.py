"""Hidden graders for rmsprop-adagrad: random parameters and gradients per run; torch.optim.RMSprop/Adagrad, driven
in the judge by the same harness (grader.drive) that drives the learner's optimizers in the worker, is the reference."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_raises

TORCH = {"RMSprop": torch.optim.RMSprop, "Adagrad": torch.optim.Adagrad}
RMSPROP_OPTIONS = [
    {"lr": 0.01},
    {"lr": 0.02, "alpha": 0.8},
    {"lr": 0.01, "weight_decay": 0.1, "eps": 1e-3},
    {"lr": 0.03, "alpha": 0.0},  # v is the last g * g alone
    {"lr": 0.01, "weight_decay": 1.0},
]
ADAGRAD_OPTIONS = [
    {"lr": 0.1},
    {"lr": 0.2, "weight_decay": 0.1},
    {"lr": 0.1, "eps": 1e-2},
    {"lr": 0.1, "weight_decay": 1.0},
]


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def problem(rng, device, steps=6, shapes=((3, 2), (4,)), scale=1.0):
    initial = [rand(rng, *s, device=device) for s in shapes]
    grads = [[rand(rng, *s, device=device, scale=scale) for s in shapes] for _ in range(steps)]
    return initial, grads


def compare(learner, cls, initial, grads, options, what, **kw):
    got = learner.probe("trajectory", cls, initial, grads, options, **kw)
    want = kit.reference_trajectory(TORCH[cls], initial, grads, options, **kw)
    kit.expect_same_trajectory(got, want, what=what)


def test_rmsprop_matches_torch(learner, device, rng):
    """RMSprop's trajectories equal torch.optim.RMSprop's for several lr, alpha, eps and weight decays."""
    for options in RMSPROP_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")
    initial, grads = problem(rng, device, scale=1e-4)  # small gradients: where eps sits shows
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "eps": 1e-4}, "RMSprop with gradients around 1e-4")


def test_rmsprop_momentum(learner, device, rng):
    """With momentum the buffer (starting at 0) accumulates g / avg and p moves by lr * buffer."""
    for options in ({"lr": 0.01, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.2}):
        initial, grads = problem(rng, device)
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")


def test_rmsprop_centered(learner, device, rng):
    """centered=True divides by sqrt(v - a * a) + eps, a being the running mean of the gradient."""
    for options in ({"lr": 0.01, "centered": True, "alpha": 0.9},
                    {"lr": 0.01, "centered": True, "momentum": 0.8, "alpha": 0.7, "weight_decay": 0.1}):
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
    """Each param group uses its own hyper-parameters (Adagrad's initial sum excepted: the constructor's, as in torch)."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,), (2,)), scale=1e-2)
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "eps": 1e-3}, "RMSprop with four param groups",
            groups=[(1, {"lr": 0.05, "weight_decay": 0.3}), (1, {"momentum": 0.9, "centered": True}),
                    (1, {"alpha": 0.5, "eps": 1e-6}), (1, {})])
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "initial_accumulator_value": 0.01},
            "Adagrad with four param groups (one with its own initial_accumulator_value, which torch ignores)",
            groups=[(1, {"lr": 0.5}), (1, {"lr_decay": 0.3, "eps": 1e-3}), (1, {"weight_decay": 0.3}),
                    (1, {"initial_accumulator_value": 5.0})])


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone, and its own state (Adagrad's step count) does not advance."""
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 2, 3):
        grads[step][1] = None
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1},
            "RMSprop when a parameter has no gradient at some steps")
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.5, "weight_decay": 0.1},
            "Adagrad when a parameter has no gradient at some steps")


def test_closure(learner, device, rng):
    """step(closure) calls the closure once per step and returns its loss, also inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [[rand(rng, 3, device=device), rand(rng, 2, device=device)] for _ in range(3)]
    for cls, options in (("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1})):
        want = drive.closure_trajectory(TORCH[cls], initial, targets, options)
        for under_no_grad in (False, True):
            where = f"{cls}.step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
            got = learner.probe("closure_run", cls, initial, targets, options, under_no_grad)
            if not isinstance(got, dict) or not isinstance(got.get("losses"), list) or len(got["losses"]) != 3:
                raise CheckFailure(f"{where}: the harness could not record 3 steps")
            for k, (a, b) in enumerate(zip(got["losses"], want["losses"])):
                if a is None:
                    raise CheckFailure(f"{where} must return the closure's loss (it returned None at step {k + 1})")
                expect_close(a, b, what=f"the loss returned by {where} at step {k + 1}", rtol=1e-10, atol=1e-12)
            kit.expect_same_trajectory(got["params"], want["params"],
                                       what=f"{where} (a closure that zeroes the gradients and back-propagates)")


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=6)
    grads[1][0] = None  # a parameter that skipped a step keeps its own step count across the round trip
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "centered": True},
            "RMSprop across a state_dict round trip after step 3", resume_at=3)
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.2, "initial_accumulator_value": 0.3},
            "Adagrad across a state_dict round trip after step 3", resume_at=3)


def test_invalid_values_raise(learner, device, rng):
    """Negative hyper-parameters raise ValueError, as torch's do; zeros construct and step."""
    cases = {"RMSprop": ({"lr": -0.1}, {"alpha": -0.5}, {"eps": -1e-8}, {"momentum": -0.9}, {"weight_decay": -0.1}),
             "Adagrad": ({"lr": -0.1}, {"lr_decay": -0.1}, {"weight_decay": -0.1},
                         {"initial_accumulator_value": -1.0}, {"eps": -1e-10})}
    zeros = {"RMSprop": {"lr": 0.0, "alpha": 0.0, "eps": 0.0, "weight_decay": 0.0, "momentum": 0.0},
             "Adagrad": {"lr": 0.0, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 0.0}}
    for cls, bad in cases.items():
        for options in bad:
            expect_raises(lambda: learner.probe("construct", cls, **options), "ValueError",
                          what=f"{cls}(params, **{options})")
        if learner.probe("construct", cls, **zeros[cls]) != "constructed":
            raise CheckFailure(f"{cls}(params, **{zeros[cls]}) is valid and must construct")
        edge = dict(zeros[cls], lr=0.05)
        initial, grads = problem(rng, device, steps=3)
        compare(learner, cls, initial, grads, edge, f"{cls} with {edge} (valid edge values)")
