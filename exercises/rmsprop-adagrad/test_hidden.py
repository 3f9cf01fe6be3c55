"""Hidden graders for rmsprop-adagrad: random parameters and gradients per run; torch.optim.RMSprop/Adagrad, driven
in the judge by the same harness (grader.drive) that drives the learner's optimizers in the worker, is the reference."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_raises, load_sibling

P = load_sibling(__file__)

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


def same_trajectory(got, want, what, hint):
    """Step-by-step comparison whose failure ends with `hint` (where the cause lies for this case)."""
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"{what}: expected {len(want)} recorded steps")
    for k, (g_step, w_step) in enumerate(zip(got, want)):
        params = kit.expect_tensors(g_step, len(w_step), what=f"{what}: the parameters after step {k + 1}")
        for i, (g, w) in enumerate(zip(params, w_step)):
            try:
                expect_close(g, w, what=f"{what}: parameter {i} after step {k + 1}", rtol=1e-10, atol=1e-12)
            except CheckFailure as failure:
                raise CheckFailure(f"{failure.prop}; {hint}", failure.detail) from None


def compare(learner, cls, initial, grads, options, what, hint=None, changes=None, **kw):
    got = learner.probe("trajectory", cls, initial, grads, options, changes=changes, **kw)
    schedule = (lambda opt: P.GroupChanges(opt, changes)) if changes else None
    want = kit.reference_trajectory(TORCH[cls], initial, grads, options, schedule=schedule, **kw)
    if hint is None:
        kit.expect_same_trajectory(got, want, what=what)
    else:
        same_trajectory(got, want, what, hint)


GROUP_HINT = ("if the graders with one param group pass, look at the groups: each param group must use its own values, "
              "read from the group (group['lr'], group['centered'], ...) at every step: not from self.defaults, the "
              "constructor's arguments, or a copy kept from an earlier step")


def one_grad(learner, cls, rng, device, options):
    """Three steps on one .grad set once (no zero_grad between them): torch adds weight_decay * p to a copy of g, so
    .grad keeps the caller's values and every step uses the same g; adding it into p.grad in place changes both."""
    initial, grads = problem(rng, device, steps=1)
    got = learner.probe("one_grad_run", cls, initial, grads[0], options, 3)
    want = P.steps_on_one_grad(TORCH[cls], initial, grads[0], options, 3)
    if not isinstance(got, list) or len(got) != 3 or not all(isinstance(r, dict) for r in got):
        raise CheckFailure(f"{cls}: three calls of step() on one .grad could not be recorded")
    what = f"{cls} with {options}, three steps on one .grad set once"
    for k, (g, w) in enumerate(zip(got, want)):
        for i, (gg, wg) in enumerate(zip(kit.expect_tensors(g.get("grads"), len(w["grads"]), what=what),
                                         w["grads"])):
            expect_close(gg, wg, rtol=0, atol=0, what=f"{what}: p.grad of parameter {i} after step {k + 1} (step() "
                         "must not write into p.grad: add weight_decay * p to a new tensor, g = g + wd * p)")
        for i, (gp, wp) in enumerate(zip(kit.expect_tensors(g.get("params"), len(w["params"]), what=what),
                                         w["params"])):
            expect_close(gp, wp, rtol=1e-10, atol=1e-12, what=f"{what}: parameter {i} after step {k + 1}")


def test_rmsprop_matches_torch(learner, device, rng):
    """RMSprop's trajectories equal torch.optim.RMSprop's for several lr, alpha, eps and weight decays, and also when
    step() is called again on the same .grad (weight decay must not be added into p.grad in place)."""
    for options in RMSPROP_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "RMSprop", initial, grads, options, f"RMSprop with {options}")
    initial, grads = problem(rng, device, scale=1e-4)  # small gradients: where eps sits shows
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "eps": 1e-4}, "RMSprop with gradients around 1e-4")
    for options in ({"lr": 0.01, "weight_decay": 0.5}, {"lr": 0.01, "weight_decay": 0.5, "momentum": 0.5,
                                                        "centered": True}):
        one_grad(learner, "RMSprop", rng, device, options)


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
    """Adagrad's trajectories equal torch.optim.Adagrad's for several lr, eps and weight decays, and also when step()
    is called again on the same .grad (weight decay must not be added into p.grad in place)."""
    for options in ADAGRAD_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "Adagrad", initial, grads, options, f"Adagrad with {options}")
    one_grad(learner, "Adagrad", rng, device, {"lr": 0.1, "weight_decay": 0.5})


def test_adagrad_lr_decay_and_initial_sum(learner, device, rng):
    """lr_decay gives step t the rate lr / (1 + (t - 1) * lr_decay); the sum starts at initial_accumulator_value."""
    for options in ({"lr": 0.1, "lr_decay": 0.5}, {"lr": 0.1, "initial_accumulator_value": 2.0},
                    {"lr": 0.3, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.1}):
        initial, grads = problem(rng, device)
        compare(learner, "Adagrad", initial, grads, options, f"Adagrad with {options}")


def test_param_groups(learner, device, rng):
    """Each param group uses its own hyper-parameters (Adagrad's initial sum excepted: the constructor's, as in torch),
    explicit zeros / False under non-zero defaults and a single group of its own included, read at every step: a group's lr and weight_decay rewritten between steps (as an LR scheduler does) take effect
    at the next step, as in torch."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,), (2,)), scale=1e-2)
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "eps": 1e-3}, "RMSprop with four param groups",
            groups=[(1, {"lr": 0.05, "weight_decay": 0.3}), (1, {"momentum": 0.9, "centered": True}),
                    (1, {"alpha": 0.5, "eps": 1e-6}), (1, {})], hint=GROUP_HINT)
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "initial_accumulator_value": 0.01},
            "Adagrad with four param groups (one with its own initial_accumulator_value, which torch ignores)",
            groups=[(1, {"lr": 0.5}), (1, {"lr_decay": 0.3, "eps": 1e-3}), (1, {"weight_decay": 0.3}),
                    (1, {"initial_accumulator_value": 5.0})],
            hint=GROUP_HINT + "; only initial_accumulator_value is the constructor's, as in torch")
    # a group that sets a hyper-parameter to 0 (or False) explicitly, under a non-zero constructor value: the group's
    # 0 holds (`group[k] or default` reads it as missing); and a single group given as a dict with its own values
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.2, "centered": True,
                                                 "eps": 1e-3},
            "RMSprop whose first group sets momentum=0, weight_decay=0 and centered=False under non-zero defaults",
            groups=[(2, {"momentum": 0.0, "weight_decay": 0.0, "centered": False}), (2, {})], hint=GROUP_HINT)
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.3, "weight_decay": 0.2},
            "Adagrad whose first group sets lr_decay=0 and weight_decay=0 under non-zero defaults",
            groups=[(2, {"lr_decay": 0.0, "weight_decay": 0.0}), (2, {})], hint=GROUP_HINT)
    for cls, own in (("RMSprop", {"lr": 0.05, "alpha": 0.5, "weight_decay": 0.1}),
                     ("Adagrad", {"lr": 0.5, "lr_decay": 0.2, "weight_decay": 0.1})):
        compare(learner, cls, initial, grads, {}, f"{cls} given a single param group (a list of one dict) with "
                f"{own}", groups=[(4, own)], hint=GROUP_HINT)
    # what an LR scheduler does: a group's lr (and weight_decay) rewritten between steps; torch reads the group anew
    # at every step. lr is multiplied by 10 or 0.1, so a copy of the old value moves p by a visibly different amount.
    initial, grads = problem(rng, device, shapes=((3,), (2, 2)), steps=6)
    for cls, options, groups, changes in (
            ("RMSprop", {"lr": 0.01, "momentum": 0.5}, [(1, {"lr": 0.02}), (1, {"weight_decay": 0.1})],
             [(2, 0, "lr", 0.2), (2, 1, "lr", 0.001), (4, 1, "weight_decay", 0.5)]),
            ("Adagrad", {"lr": 0.1, "lr_decay": 0.2}, [(1, {"lr": 0.3}), (1, {"weight_decay": 0.1})],
             [(2, 0, "lr", 0.03), (2, 1, "lr", 1.0), (4, 1, "weight_decay", 0.5)])):
        compare(learner, cls, initial, grads, options,
                f"{cls} whose groups' lr and weight_decay are changed between steps (as an LR scheduler does)",
                groups=groups, changes=changes,
                hint="read lr and every other hyper-parameter from param_groups at each step: a scheduler changes "
                     "group['lr'] between steps, and torch uses the new value at once")


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone, and its own state (Adagrad's step count) does not advance; a
    parameter whose gradient is all zeros (not None) is stepped as torch does (momentum, weight decay, Adagrad's step
    count for lr_decay)."""
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 2, 3):
        grads[step][1] = None
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1},
            "RMSprop when a parameter has no gradient at some steps")
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.5, "weight_decay": 0.1},
            "Adagrad when a parameter has no gradient at some steps")
    # an all-zero gradient is a gradient: torch steps that parameter (momentum and weight decay move it, v decays,
    # Adagrad's step count advances); only None skips
    initial, grads = problem(rng, device, steps=7)
    for step in (1, 4):
        grads[step][0] = torch.zeros_like(grads[step][0])
    zero_hint = ("a gradient of zeros is not a missing one: skip only when p.grad is None, and step a parameter whose "
                 "gradient is all zeros as any other (its state and step count advance)")
    for cls, options in (("RMSprop", {"lr": 0.01, "momentum": 0.9}), ("RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
                         ("Adagrad", {"lr": 0.1, "lr_decay": 0.5}), ("Adagrad", {"lr": 0.1, "weight_decay": 0.1})):
        compare(learner, cls, initial, grads, options,
                f"{cls} with {options} when a parameter's gradient is all zeros at some steps", hint=zero_hint)


def test_closure(learner, device, rng):
    """step(closure) calls the closure once per step and returns its loss, also inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [[rand(rng, 3, device=device), rand(rng, 2, device=device)] for _ in range(3)]
    for cls, options in (("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1})):
        want = drive.closure_trajectory(TORCH[cls], initial, targets, options)
        for under_no_grad in (False, True):
            where = f"{cls}.step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
            got = learner.probe("closure_run", cls, initial, targets, options, under_no_grad)
            kit.expect_closure_losses(got, want, where=where)
            same_trajectory(got["params"], want["params"],
                            f"{where} (a closure that zeroes the gradients and back-propagates)",
                            "look at when step(closure) calls the closure: exactly once per step, under "
                            "torch.enable_grad(), and before the update, since the gradients it computes are the "
                            "ones this step must use")


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=6)
    grads[1][0] = None  # a parameter that skipped a step keeps its own step count across the round trip
    compare(learner, "RMSprop", initial, grads, {"lr": 0.01, "momentum": 0.9, "centered": True},
            "RMSprop across a state_dict round trip after step 3", resume_at=3)
    compare(learner, "Adagrad", initial, grads, {"lr": 0.1, "lr_decay": 0.2, "initial_accumulator_value": 0.3},
            "Adagrad across a state_dict round trip after step 3", resume_at=3)


def test_invalid_values_raise(learner, device, rng):
    """Negative hyper-parameters raise ValueError, as torch's do; zeros construct and step (eps = 0 included, on
    gradients around 1e-6, where an eps of 1e-8 or 1e-10 in place of the explicit 0 moves p visibly)."""
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
        initial, grads = problem(rng, device, steps=3, scale=1e-6)  # small gradients: an eps of 1e-10 shows
        compare(learner, cls, initial, grads, edge, f"{cls} with {edge} (valid edge values)")
        # an explicit lr=0.0 given to the constructor is a rate of 0 (p never moves), not a missing value that
        # `lr or 1e-2` would replace by the default
        still = {"lr": 0.0, "momentum": 0.5} if cls == "RMSprop" else {"lr": 0.0, "lr_decay": 0.1}
        initial, grads = problem(rng, device, steps=2)
        compare(learner, cls, initial, grads, still, f"{cls} with {still} (an explicit lr of 0: p never moves)")
