"""Hidden graders for grow-network: the learner's grow and a reference grow (opt.add_param_group) run through the
same harness (probes.py): in the worker for the learner, here in the judge for the reference. Adam and SGD with
momentum, a nested layer, a layer without bias, two grows (the second without lr), an explicit lr of 0.0, a
scheduler-changed lr, an old group with hyper-parameters of its own; opt.defaults must stay as they are."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

HARNESS = load_sibling(__file__)


def reference_grow(model, opt, layer, lr=None):
    model.append(layer)
    opt.add_param_group({"params": list(layer.parameters()), **({} if lr is None else {"lr": lr})})


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def compare_state(got, want, what):
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure(f"{what}: the optimizer's state for the old parameters is gone or has other entries",
                           f"expected entries for parameters {sorted(want)}, received {summarize(got)}")
    for i, entries in want.items():
        mine = got[i] if isinstance(got[i], dict) else {}
        if sorted(mine) != sorted(entries):
            raise CheckFailure(f"{what}: the state of old parameter {i} has the keys {sorted(mine)}, "
                               f"expected {sorted(entries)}")
        for k, v in entries.items():
            if isinstance(v, torch.Tensor):
                expect_close(mine[k], v, rtol=1e-10, atol=1e-12, what=f"{what}: {k} of old parameter {i}")
            elif mine[k] != v:
                raise CheckFailure(f"{what}: {k} of old parameter {i} is {mine[k]!r}, expected {v!r}")


def compare(learner, seed, lr, what, **kw):
    got = learner.probe("run", seed, lr, report_errors=True, **kw)
    want = HARNESS.drive(reference_grow, seed, lr, **kw)
    twice = kw.get("twice", False)
    if got.get("returned") != ([None, None] if twice else None):
        raise CheckFailure(f"grow must return None ({what})", f"received {summarize(got.get('returned'))}")
    if got.get("modules") != want["modules"]:
        raise CheckFailure(f"grow must append the layer to the Sequential ({what})",
                           f"expected {want['modules']} modules, received {summarize(got.get('modules'))}")
    if got.get("step_error"):
        # the settings of the groups grow made before the failing step, then the failure itself
        expect_groups(got, want, what, only_first=len(got.get("groups") or []))
        raise CheckFailure(f"training on after grow failed ({what}): the optimizer could not step with the param "
                           "groups grow left (look at the new group's lr and other settings: lr as given, else "
                           "opt.defaults' lr, never None)", f"the step raised {got['step_error']}")
    expect_groups(got, want, what)
    if got.get("defaults") != want["defaults"]:
        raise CheckFailure(f"grow must leave the optimizer's defaults (opt.defaults) as they are ({what}): give the "
                           "new group its lr in the group itself")
    compare_state(got.get("state_after_grow"), want["state_after_grow"], f"right after grow ({what})")
    compare_state(got.get("state"), want["state"], f"at the end ({what})")
    params = got.get("params")
    if not isinstance(params, list) or len(params) != len(want["params"]):
        raise CheckFailure(f"the grown model has the wrong parameters ({what})", f"received {summarize(params)}")
    for i, (a, b) in enumerate(zip(params, want["params"])):
        expect_close(a, b, rtol=1e-10, atol=1e-12, what=f"parameter {i} of the model at the end ({what})")
    for i, (a, b) in enumerate(zip(got.get("layer_params", []), want["layer_params"])):
        expect_close(a, b, rtol=1e-10, atol=1e-12, what=f"parameter {i} of the layers passed to grow ({what})")
    return got, want


def test_trajectory_and_state(learner, rng):
    """The optimizer's state for the old parameters survives grow untouched, and training continues exactly as with
    add_param_group: Adam and SGD with momentum, a nested layer (all its parameters), grow right after zero_grad()
    (no .grad anywhere), two grows in a row; SGD built
    with a dampening (the new layer's momentum buffers are torch's to start: none before its first step), then a
    second grow with a layer without parameters (nn.Tanh(): one new, empty group, as add_param_group gives); a layer
    with a parameter of its own next to a child module (both must be registered); a model in eval mode with a
    BatchNorm1d (frozen statistics, as when fine-tuning): grow leaves the model's mode as it is (no model.train())."""
    compare(learner, seed_of(rng), None, "Adam, grow(model, opt, nn.Linear(8, 2))")
    compare(learner, seed_of(rng), None, "SGD with momentum, a nested layer, grow called right after opt.zero_grad() "
            "(every .grad None: the old parameters' state must stay all the same)", optimizer="sgd", nested=True,
            cleared=True)
    compare(learner, seed_of(rng), None, "Adam, grow called right after opt.zero_grad() (every .grad None: the old "
            "parameters' moments and step counts must stay all the same)", cleared=True)
    compare(learner, seed_of(rng), None, "Adam, a nested layer, then a second grow with a layer without bias",
            nested=True, twice=True)
    compare(learner, seed_of(rng), None, "SGD with momentum and dampening, a nested layer, then a second grow with a "
            "layer without parameters (nn.Tanh())", optimizer="sgd", nested=True, twice=True, damped=True, bare=True)
    compare(learner, seed_of(rng), None, "Adam, a layer with a parameter of its own next to a child Linear: register "
            "all its parameters, its own and those of its nested submodules (layer.parameters(), which recurses)",
            mixed=True)
    compare(learner, seed_of(rng), None, "Adam, a model in eval mode with a BatchNorm1d (frozen statistics, as when "
            "fine-tuning), grow and train on in eval mode: grow must leave the model's mode as it is (no "
            "model.train(): training continues exactly as with add_param_group)", evaluated=True)


def _same_setting(got, want):
    """Equal hyper-parameters: numbers by value (0 and 0.0 alike), anything else (bools, tuples, tensors) by type."""
    numbers = (int, float)
    if isinstance(got, numbers) and isinstance(want, numbers) and not isinstance(got, bool) \
            and not isinstance(want, bool):
        return got == want or (got != got and want != want)
    return type(got) is type(want) and got == want


def expect_groups(got, want, what, only_first=None):
    groups = got.get("groups")
    if only_first is not None and isinstance(groups, list):
        groups = groups[:len(want["groups"])]
        want = {**want, "groups": want["groups"][:len(groups)]}
    if not isinstance(groups, list) or len(groups) != len(want["groups"]):
        raise CheckFailure(f"the optimizer should have {len(want['groups'])} param groups ({what})",
                           f"received {summarize(groups)}")
    for i, (g, w) in enumerate(zip(groups, want["groups"])):
        if not isinstance(g, dict):
            raise CheckFailure(f"param group {i} could not be read ({what})")
        for k, v in w.items():
            if not _same_setting(g.get(k), v):
                raise CheckFailure(f"param group {i}'s {k} is {g.get(k)!r}, expected {v!r} ({what}): one new group "
                                   "with all the layer's parameters, lr as given or else the optimizer's default, the "
                                   "other hyper-parameters the optimizer's defaults, the old groups untouched")


def test_group_lr(learner, rng):
    """With lr given (0.05, 1.234567e-4 taken as is, and an explicit 0.0 that freezes the new layer) the new group
    uses it and the old group keeps its own; training follows add_param_group's. Then a grow with lr=0.05 followed
    by a grow without lr: the second group takes opt.defaults' lr, and opt.defaults is unchanged; and SGD whose old
    group has its own momentum, dampening and weight decay: the new group takes the optimizer's defaults for them."""
    # why: 1.234567e-4 catches an lr rounded, cast or clamped on its way into the group
    for lr, optimizer in ((0.05, "adam"), (0.0, "adam"), (0.2, "sgd"), (1.234567e-4, "adam")):
        what = f"{optimizer}, lr={lr}"
        compare(learner, seed_of(rng), lr, what, optimizer=optimizer)
    compare(learner, seed_of(rng), 0.05, "adam, grow with lr=0.05, then a second grow without lr", twice=True,
            second_lr=None)
    compare(learner, seed_of(rng), 0.2, "sgd, lr=0.2, the old group with its own momentum, dampening and weight decay",
            optimizer="sgd", tuned=True)


def test_default_lr_is_the_optimizers_default(learner, rng):
    """Without lr the new group takes the optimizer's defaults (opt.defaults), even after a scheduler changed the old
    group's lr; every other hyper-parameter of the new group is the optimizer's default too, also when the old group
    has its own (Adam's betas, eps and weight decay; SGD's momentum, dampening and weight decay), when the
    optimizer was built with a weight decay of its own, and when group 0 has its own lr under a scheduler (its
    initial_lr is not the default); all of the layer's parameters (a weight two Linears share once, a frozen bias
    too) join the new group, and gradients pending at grow time are kept for the next step."""
    for optimizer, scheduled in (("adam", 0.003), ("sgd", 0.011)):
        what = f"{optimizer}, group 0's lr changed to {scheduled} before grow"
        compare(learner, seed_of(rng), None, what, optimizer=optimizer, scheduled_lr=scheduled)
        compare(learner, seed_of(rng), None, f"{what}, group 0 with hyper-parameters of its own", optimizer=optimizer,
                scheduled_lr=scheduled, tuned=True)
        compare(learner, seed_of(rng), None, f"{optimizer} built with weight_decay=0.03 (its default for new groups)",
                optimizer=optimizer, decayed=True)
        compare(learner, seed_of(rng), None, f"{optimizer}: group 0 with its own lr under a LambdaLR scheduler, a "
                "layer with two Linears sharing a weight and a bias frozen during grow, grow between backward and step",
                optimizer=optimizer, tricky=True)
