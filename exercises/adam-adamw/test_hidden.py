"""Hidden graders for adam-adamw: random parameters and gradients per run; torch.optim.Adam/AdamW, driven in the
judge by the same harness (grader.drive) that drives the learner's optimizers in the worker, is the reference."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_raises, load_sibling

P = load_sibling(__file__)

TORCH = {"Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
ADAM_OPTIONS = [
    {"lr": 0.01},
    {"lr": 0.05, "betas": (0.8, 0.99)},
    {"lr": 0.02, "weight_decay": 0.1},
    {"lr": 0.01, "betas": (0.0, 0.9), "eps": 1e-3},
    {"lr": 0.03, "betas": (0.9, 0.5), "weight_decay": 0.05},
    {"lr": 0.02, "weight_decay": 0.3, "amsgrad": True, "betas": (0.6, 0.7)},
    {"lr": 0.01, "weight_decay": 1.0},
]
ADAMW_OPTIONS = [
    {"lr": 0.01},  # the default weight_decay, 1e-2
    {"lr": 0.05, "weight_decay": 0.3},
    {"lr": 0.02, "betas": (0.7, 0.95), "weight_decay": 0.0},
    {"lr": 0.1, "weight_decay": 0.5, "eps": 1e-4},
    {"lr": 0.0, "weight_decay": 0.5},  # lr 0: nothing moves, the decay included
    {"lr": 0.05, "weight_decay": 1.0},
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


def compare_accumulating(learner, cls, rng, device, options, what):
    """.grad never reset between steps (backward() without zero_grad(), or step() again on the same .grad): the
    step reads p.grad and must leave it as it was (the L2 penalty goes into the step's own copy of the gradient)."""
    initial, grads = problem(rng, device, steps=6)
    grads[1] = [None, None]  # step 2 reuses step 1's .grad as it is
    grads[3][1] = None
    got = learner.probe("accumulating", cls, initial, grads, options)
    want = P.accumulating_trajectory(TORCH[cls], initial, grads, options)
    kit.expect_same_trajectory(got, want, what=what)


def test_adam_matches_torch(learner, device, rng):
    """Adam's trajectories equal torch.optim.Adam's for several lr, betas, eps and (L2) weight decays; the L2 penalty
    is added to the step's gradient without writing it into p.grad (a .grad kept across steps, accumulated or reused
    without a new backward, gives torch's trajectory)."""
    for options in ADAM_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "Adam", initial, grads, options, f"Adam with {options}")
    for options in ({"lr": 0.02, "weight_decay": 0.3}, {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}):
        compare_accumulating(learner, "Adam", rng, device, options,
                             f"Adam with {options} when .grad is not reset between steps (the L2 penalty must be "
                             "added to a copy of the gradient: p.grad itself is left unchanged by step())")


def test_adamw_matches_torch(learner, device, rng):
    """AdamW's trajectories equal torch.optim.AdamW's: decoupled decay p *= 1 - lr * weight_decay, default 1e-2; the
    gradient is left alone (a .grad kept across steps gives torch's trajectory)."""
    for options in ADAMW_OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, "AdamW", initial, grads, options, f"AdamW with {options}")
    compare_accumulating(learner, "AdamW", rng, device, {"lr": 0.02, "weight_decay": 0.3},
                         "AdamW when .grad is not reset between steps (the gradient is left alone: step() must not "
                         "change p.grad)")


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
    """Each param group uses its own lr, betas, eps, weight_decay and amsgrad, falling back to the defaults; a step
    reads the group's current values, so a change to param_groups between steps (an LR scheduler, OneCycleLR's beta
    cycling, a manual decay) takes effect at the next step."""
    initial, grads = problem(rng, device, steps=7, shapes=((3,), (2, 2), (5,), (2,)), scale=1e-3)
    for k in (4, 5):
        grads[k] = [g * 0.05 for g in grads[k]]
    groups = [(1, {"lr": 0.1}), (1, {"betas": (0.5, 0.6), "amsgrad": True}),
              (1, {"lr": 0.01, "weight_decay": 0.2, "eps": 1e-3}), (1, {})]
    compare(learner, "Adam", initial, grads, {"lr": 0.05, "eps": 1e-6, "weight_decay": 0.05}, "Adam with four param groups",
            groups=groups)
    compare(learner, "AdamW", initial, grads, {"lr": 0.05, "eps": 1e-6, "amsgrad": False},
            "AdamW with four param groups", groups=groups)
    # Hyper-parameters changed between steps: every step must use the group's values at that step, not values
    # remembered from an earlier step. Each change below moves the next step by far more than the tolerance.
    initial, grads = problem(rng, device, steps=6, shapes=((3,), (2, 2)))
    groups = [(1, {"lr": 0.05}), (1, {"betas": (0.8, 0.9), "amsgrad": True})]
    changes = [[{"lr": 0.02}, {"lr": 0.01}],
               [{"betas": (0.5, 0.6)}, {"weight_decay": 0.3}],
               [{"eps": 1e-2, "weight_decay": 0.2}, {"betas": (0.3, 0.95), "eps": 1e-2}],
               [{"lr": 0.1, "betas": (0.95, 0.99)}, {"lr": 0.04}],
               None]
    for cls, options in (("Adam", {"lr": 0.03, "weight_decay": 0.05}), ("AdamW", {"lr": 0.03, "weight_decay": 0.1})):
        got = learner.probe("retuned", cls, initial, grads, options, groups, changes)
        want = P.retuned_trajectory(TORCH[cls], initial, grads, options, groups, changes)
        kit.expect_same_trajectory(got, want, what=f"{cls} when lr, betas, eps or weight_decay of a param group are "
                                   "changed between steps (each step must read the group's current values)")


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone, and its own step count is not advanced; only None is skipped:
    a gradient of zeros (all of them, or some entries) is a gradient, and the step runs (count, moments, decay), and
    a parameter with requires_grad=False whose .grad was set is stepped too (as torch does)."""
    initial, grads = problem(rng, device, steps=4)
    for cls, options in (("Adam", {"lr": 0.05, "weight_decay": 0.1}), ("AdamW", {"lr": 0.05, "weight_decay": 0.1})):
        got = learner.probe("frozen", cls, initial, grads, options)
        want = P.frozen_trajectory(TORCH[cls], initial, grads, options)
        kit.expect_same_trajectory(got, want, what=f"{cls} with a parameter whose requires_grad is False but whose "
                                   ".grad is set (only a .grad of None is skipped)")
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 2, 3):
        grads[step][1] = None
    compare(learner, "Adam", initial, grads, {"lr": 0.05, "weight_decay": 0.1},
            "Adam when a parameter has no gradient at some steps")
    compare(learner, "AdamW", initial, grads, {"lr": 0.05, "weight_decay": 0.1},
            "AdamW when a parameter has no gradient at some steps")
    # Zero gradients are not None: torch advances the count, decays m and v, applies the decay. An all-zero gradient
    # at the first and a later step, and one with exact zeros in some entries after nonzero steps (m is nonzero there,
    # so those entries still move): skipping or masking zeros changes the trajectory for every draw.
    initial, grads = problem(rng, device, steps=7)
    for step in (0, 3):
        grads[step][0] = torch.zeros_like(grads[step][0])
    grads[5][0] = grads[5][0] * (torch.arange(grads[5][0].numel(), device=device) % 2).reshape(grads[5][0].shape)
    grads[2][1] = torch.zeros_like(grads[2][1])
    for cls, options in (("Adam", {"lr": 0.05, "weight_decay": 0.1}), ("Adam", {"lr": 0.05}),
                         ("AdamW", {"lr": 0.05, "weight_decay": 0.1})):
        compare(learner, cls, initial, grads, options,
                f"{cls} with {options} when a gradient is all zeros or has zero entries (zeros are not None: "
                "only a .grad of None is skipped)")


def test_closure(learner, device, rng):
    """step(closure) calls the closure once per step and returns its loss, also inside torch.no_grad()."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [[rand(rng, 3, device=device), rand(rng, 2, device=device)] for _ in range(4)]
    for cls, options in (("Adam", {"lr": 0.1}), ("AdamW", {"lr": 0.1, "weight_decay": 0.1})):
        want = drive.closure_trajectory(TORCH[cls], initial, targets, options)
        for under_no_grad in (False, True):
            where = f"{cls}.step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
            got = kit.learner_reply(
                lambda: learner.probe("closure_run", cls, initial, targets, options, under_no_grad), what=where,
                fix="the closure (which zeroes the gradients, computes the loss and calls backward()) must be called "
                    "exactly once per step, under torch.enable_grad(): step itself runs under torch.no_grad(), where "
                    "a closure's loss has no graph and its backward() raises; an error in step's own arithmetic "
                    "(shapes that do not match) is more often state kept from an earlier optimizer")
            kit.expect_closure_losses(got, want, where=where)
            kit.expect_same_trajectory(got["params"], want["params"],
                                       what=f"{where} (a closure that zeroes the gradients and back-propagates)")


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory."""
    initial, grads = problem(rng, device, steps=7)
    grads[1][0] = None  # a parameter that skipped a step keeps its own step count across the round trip
    compare(learner, "Adam", initial, grads, {"lr": 0.05, "amsgrad": True},
            "Adam across a state_dict round trip after step 3", resume_at=3)
    compare(learner, "AdamW", initial, grads, {"lr": 0.05, "weight_decay": 0.2},
            "AdamW across a state_dict round trip after step 3", resume_at=3)


def test_invalid_values_raise(learner, device, rng):
    """Invalid hyper-parameters raise ValueError, as torch's do; the edge values (zeros) construct and step."""
    bad = ({"lr": -0.1}, {"eps": -1e-8}, {"weight_decay": -0.01}, {"betas": (1.0, 0.999)}, {"betas": (0.9, 1.0)},
           {"betas": (-0.1, 0.999)}, {"betas": (0.9, -0.1)})
    edge = {"lr": 0.1, "betas": (0.0, 0.0), "eps": 0.0, "weight_decay": 0.0}
    for cls in ("Adam", "AdamW"):
        for options in bad:
            expect_raises(lambda: learner.probe("construct", cls, **options), "ValueError",
                          what=f"{cls}(params, **{options})")
        got = kit.learner_reply(
            lambda: learner.probe("construct", cls, lr=0.0, betas=(0.0, 0.0), eps=0.0, weight_decay=0.0),
            what=f"{cls}(params, lr=0, betas=(0, 0), eps=0, weight_decay=0)",
            fix="these are valid edge values and must construct: only a negative lr, eps or weight_decay, or a beta "
                "outside [0, 1) (0 is inside, 1 is not) raises ValueError")
        if got != "constructed":
            raise CheckFailure(f"{cls}(params, lr=0, betas=(0, 0), eps=0, weight_decay=0) is valid and must construct")
        initial, grads = problem(rng, device, steps=3)
        compare(learner, cls, initial, grads, edge, f"{cls} with {edge} (valid edge values)")
