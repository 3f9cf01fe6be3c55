"""Hidden graders for sgd-momentum: random parameters and gradients per run; torch.optim.SGD, driven in the judge by
the same harnesses (grader.drive, and this exercise's probes loaded here) as the learner's SGD, is the reference."""

import types

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_raises, load_sibling
from grader.judge.session import LearnerError

probes = load_sibling(__file__)
TORCH = types.SimpleNamespace(SGD=torch.optim.SGD)  # what the probes expect of a learner module, with torch's SGD
OPTIONS = [
    {"lr": 0.05},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.02, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1},
    {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.05, "nesterov": True},
    {"lr": 0.05, "weight_decay": 0.2},
    {"lr": 0.05, "momentum": 1.0, "dampening": 1.0},  # the edge values: the buffer stays the first gradient
    {"lr": 0.05, "momentum": 0.7, "weight_decay": 1.0},
]


def rand(rng, *shape, device):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device)


def problem(rng, device, steps=6, shapes=((3, 2), (4,))):
    initial = [rand(rng, *s, device=device) for s in shapes]
    grads = [[rand(rng, *s, device=device) for s in shapes] for _ in range(steps)]
    return initial, grads


GROUP_HINT = ("if the graders with one param group pass, look at the groups: each param group must use its own values, "
              "read from the group (group['lr'], group['momentum'], ...) at every step: not from self.defaults, the "
              "constructor's arguments, or a copy kept from an earlier step")


def compare(learner, initial, grads, options, what, hint=None, **kw):
    got = learner.probe("trajectory", initial, grads, options, **kw)
    want = kit.reference_trajectory(torch.optim.SGD, initial, grads, options, **kw)
    try:
        kit.expect_same_trajectory(got, want, what=what)
    except CheckFailure as failure:
        if hint is None:
            raise
        raise CheckFailure(f"{failure.prop}; {hint}", failure.detail) from None


def test_matches_torch_for_every_option(learner, device, rng):
    """Trajectories equal torch.optim.SGD's for momentum, dampening, weight decay and Nesterov, alone and combined;
    also for a group whose lr is 0 (a warm-up, raised later) and for a gradient of zeros: torch has no shortcut
    there, it still advances the momentum buffers (and the step of a zero gradient is momentum * buf)."""
    for options in OPTIONS:
        initial, grads = problem(rng, device)
        compare(learner, initial, grads, options, f"SGD with {options}")
    initial, grads = problem(rng, device)
    grads[2][1] = torch.zeros_like(grads[2][1])  # a zero gradient is not None: the parameter still steps
    compare_retuned(learner, initial, grads, {"lr": 0.0, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.05},
                    "SGD warmed up from lr 0, then given an lr, and fed a gradient of zeros at one step (torch still "
                    "updates the momentum buffers of a group with lr 0 and of a zero gradient: never skip them; the "
                    "second group has an lr of its own, and the first group's lr is raised in param_groups after step "
                    "3: read each group's values from the group at every step)",
                    groups=[(1, {}), (1, {"lr": 0.05, "weight_decay": 0.0})], changes=[(3, 0, {"lr": 0.1})])


def test_gradients_written_in_place(learner, device, rng):
    """The trajectory is the same when the loop zeroes .grad in place and writes the next gradient into it, and
    when it zeroes only every other step so that gradients pile up in .grad: step() reads .grad, never writes
    into it (weight decay, dampening or Nesterov's term added to .grad in place would be counted again)."""
    for options in ({"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.9, "nesterov": True},
                    {"lr": 0.05, "momentum": 0.5, "dampening": 0.5}):
        initial, grads = problem(rng, device, steps=4)
        got = learner.probe("in_place_trajectory", initial, grads, options)
        want = probes.in_place_trajectory(TORCH, initial, grads, options)
        kit.expect_same_trajectory(got, want, what=f"SGD with {options}, .grad zeroed and refilled in place")
    for options in ({"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1},
                    {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1, "nesterov": True},
                    {"lr": 0.05, "momentum": 0.5, "dampening": 0.5, "weight_decay": 0.1}):
        initial, grads = problem(rng, device, steps=4)
        got = learner.probe("in_place_trajectory", initial, grads, options, zero_every=2)
        want = probes.in_place_trajectory(TORCH, initial, grads, options, zero_every=2)
        kit.expect_same_trajectory(got, want, what=f"SGD with {options}, .grad zeroed only every other step so that "
                                   "gradients pile up in it (step() must leave .grad as it found it)")


def test_dampening_first_step(learner, device, rng):
    """With dampening, the first step uses the plain gradient: the buffer starts as a copy of it."""
    initial, grads = problem(rng, device, steps=2)
    compare(learner, initial, grads, {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, "SGD with dampening 0.5")


def compare_retuned(learner, initial, grads, options, what, **kw):
    got = learner.probe("retuned_trajectory", initial, grads, options, **kw)
    want = probes.retuned_trajectory(TORCH, initial, grads, options, **kw)
    kit.expect_same_trajectory(got, want, what=what)


def test_param_groups(learner, device, rng):
    """Each param group uses its own hyper-parameters, falling back to the constructor's, read from param_groups at
    every step: a value changed there between steps (as a scheduler does) applies from the next step on."""
    initial, grads = problem(rng, device, shapes=((3,), (2, 2), (5,), (2,), (3,)))
    groups = [(1, {"lr": 0.1}), (1, {"momentum": 0.9, "nesterov": True}), (1, {"lr": 0.01, "weight_decay": 0.1}),
              (1, {"dampening": 0.4}), (1, {})]
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.5}, "SGD with five param groups", hint=GROUP_HINT,
            groups=groups)
    groups = [(2, {"momentum": 0.8}), (3, {"nesterov": False})]
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
            "SGD with Nesterov off in one of two groups", hint=GROUP_HINT, groups=groups)
    changes = [(2, 0, {"lr": 0.3}), (2, 1, {"momentum": 0.2}), (3, 1, {"weight_decay": 0.5}), (3, 0, {"dampening": 0.6}),
               (4, 0, {"lr": 0.01, "momentum": 0.0}), (4, 1, {"momentum": 0.95, "lr": 0.2})]
    compare_retuned(learner, initial, grads, {"lr": 0.05, "momentum": 0.5}, "SGD whose param_groups' lr, momentum, "
                    "dampening and weight_decay are changed between steps (read them from param_groups at every step, "
                    "never a copy made at construction)", groups=[(2, {}), (3, {"weight_decay": 0.1})], changes=changes)


def test_skips_params_without_grad(learner, device, rng):
    """A parameter whose .grad is None is left alone (and its momentum is not advanced)."""
    initial, grads = problem(rng, device, shapes=((3, 2), (4,), (2,)))
    for step in (0, 1, 2, 4):
        grads[step][1] = None
    for step in (1, 3):
        grads[step][0] = None  # the first parameter of the group: the others after it still step
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1},
            "SGD when a parameter has no gradient at some steps")
    compare(learner, initial, grads, {"lr": 0.05, "weight_decay": 0.1},
            "SGD without momentum when a parameter has no gradient at some steps")


def test_closure(learner, device, rng):
    """step(closure) calls the closure once per step and returns its loss, also inside torch.no_grad() (each step in
    its own block, and a whole loop run by a caller whose grad mode is off: step leaves grad mode as it found it)."""
    initial = [rand(rng, 3, device=device), rand(rng, 2, device=device)]
    targets = [[rand(rng, 3, device=device), rand(rng, 2, device=device)] for _ in range(4)]
    options = {"lr": 0.1, "momentum": 0.9}
    want = drive.closure_trajectory(torch.optim.SGD, initial, targets, options)
    for under_no_grad in (False, True):
        where = "step(closure)" + (" inside torch.no_grad()" if under_no_grad else "")
        got = learner.probe("closure_run", initial, targets, options, under_no_grad)
        kit.expect_closure_losses(got, want, where=where)
        kit.expect_same_trajectory(got["params"], want["params"],
                                   what=f"{where} (a closure that zeroes the gradients and back-propagates)")
    # the whole training loop run by a caller that has grad mode off (no `with` block of prep's around each step to
    # put it back): a step that switches grad mode off and then on again by hand, instead of @torch.no_grad() and
    # torch.enable_grad() blocks, leaves it on for that caller (the watch fails it), and its later steps no longer
    # run inside torch.no_grad()
    where = "step(closure) called by code that has grad mode off (inside torch.no_grad())"
    with learner.ambient(grad=False):
        got = learner.probe("closure_run", initial, targets, options, False)
    kit.expect_closure_losses(got, want, where=where)
    kit.expect_same_trajectory(got["params"], want["params"],
                               what=f"{where} (a closure that zeroes the gradients and back-propagates)")


def test_state_dict_round_trip(learner, device, rng):
    """Saving state_dict() after 3 steps and loading it into a new optimizer continues the same trajectory, also when
    the new optimizer was built with other hyper-parameters (the loaded param_groups replace them, as in torch)."""
    initial, grads = problem(rng, device, steps=7)
    grads[0][1] = None  # no buffer yet for this parameter at the round trip... until step 2
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "dampening": 0.1},
            "SGD across a state_dict round trip after step 3", resume_at=3)
    grads[1][1] = grads[2][1] = None  # ...and here none at all when the state is saved
    compare(learner, initial, grads, {"lr": 0.05, "momentum": 0.8, "nesterov": True},
            "SGD across a state_dict round trip after step 3, one parameter without a buffer yet", resume_at=3)
    initial, grads = problem(rng, device, steps=6)
    compare_retuned(learner, initial, grads, {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.05},
                    "SGD across a state_dict round trip after step 3 into an optimizer built with other "
                    "hyper-parameters (the loaded param_groups' values must be the ones used)", resume_at=3,
                    resume_options={"lr": 0.4, "momentum": 0.3, "weight_decay": 0.0}, groups=[(1, {"lr": 0.02}), (1, {})])


def test_invalid_values_raise(learner, device, rng):
    """Invalid hyper-parameters raise ValueError, as torch.optim.SGD's do; the valid edge values construct and step,
    and so do values torch accepts without a check (dampening outside [0, 1], momentum above 1): raise no more than
    torch does."""
    for options in ({"lr": -0.1}, {"lr": 0.1, "momentum": -0.5}, {"lr": 0.1, "weight_decay": -1.0},
                    {"lr": 0.1, "nesterov": True}, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True},
                    {"lr": 0.1, "momentum": 0.0, "nesterov": True, "dampening": 0.0}):
        expect_raises(lambda: learner.probe("construct", **options), "ValueError", what=f"SGD(params, **{options})")
    for options in ({"lr": 0.1, "momentum": 0.9, "nesterov": True}, {"lr": 0.0, "momentum": 0.0, "weight_decay": 0.0},
                    {"lr": 0.1, "momentum": 0.9, "dampening": 1.5}, {"lr": 0.1, "momentum": 0.5, "dampening": -0.5},
                    {"lr": 0.1, "momentum": 1.2}):
        try:
            built = learner.probe("construct", **options)
        except LearnerError as e:
            raise CheckFailure(f"SGD(params, **{options}) raised {e.type}, but torch.optim.SGD accepts these values: "
                               "raise only where torch does") from None
        if built != "constructed":
            raise CheckFailure(f"SGD(params, **{options}) is valid and must construct")
        initial, grads = problem(rng, device, steps=3)
        compare(learner, initial, grads, options, f"SGD with {options} (valid values)")
