"""Hidden graders for leaves-detach-freeze: random inputs and seeds per run; every reference is computed here, in
the judge, with the same models."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.kit import adversarial

probes = load_sibling(__file__)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


TIES = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, -0.0]
# large magnitudes, exact in float32: integers and halves beyond float16's precision (2049 is not a float16) and
# range (70000.5), and integers beyond int64's range (1e20): torch.round keeps them, a detour through a narrower
# type does not
LARGE = [2049.0, -4097.0, 12345.5, -70000.5, 1e20, -3e19]


def ema_reference(seed_target, seed_online, decay, x, steps=1, tied=False):
    """The judge's reference: target's parameters, buffers and gradients (of target(x).sum() in eval mode) after the
    EMA steps, and online's parameters."""
    target, online = probes.ema_pair(seed_target, seed_online, x, tied)
    with torch.no_grad():
        for _ in range(steps):
            for t, o in zip(target.parameters(), online.parameters()):
                t.copy_(decay * t + (1 - decay) * o)
            for t, o in zip(target.buffers(), online.buffers()):
                t.copy_(o)
    target.eval()
    target(x).sum().backward()
    return {"params": [p.detach().clone() for p in target.parameters()],
            "buffers": [b.clone() for b in target.buffers()],
            "grads": [p.grad for p in target.parameters()],
            "online_params": [p.detach().clone() for p in online.parameters()]}


def test_round_ste_values_and_gradient(learner, device, rng):
    """Forward equals torch.round (ties to even, both signs, large magnitudes; float32 and float64), the gradient is
    exactly the incoming one, also inside a larger graph, and the caller's x keeps its values."""
    for dtype in (torch.float32, torch.float64):
        x = torch.cat([torch.tensor(TIES + LARGE, dtype=torch.float64),
                       adversarial(rng, (10,), scale=5.0)]).to(device, dtype)
        g = adversarial(rng, tuple(x.shape)).to(device, dtype)
        got = learner.probe("ste", x, g)
        tol = 1e-6 if dtype == torch.float32 else 1e-12  # x + (round(x) - x) may differ from round(x) by rounding
        expect_close(got["out"], torch.round(x), rtol=tol, atol=tol,
                     what=f"round_ste(x) in {dtype} (halves, both signs, zeros, large magnitudes such as 2049 and "
                          "1e20)")
        expect_close(got["grad"], g, rtol=0.0, atol=0.0, what=f"the gradient of round_ste in {dtype}")
        for key, which in (("x_after", "a leaf that requires grad"), ("plain_after", "a tensor without grad")):
            expect_close(got[key], x, rtol=0.0, atol=0.0,
                         what=f"the caller's x ({which}, {dtype}) after round_ste(x): return a new tensor and leave "
                              "x's values as they were (no in-place rounding, not even through .data)")
    x = adversarial(rng, (6,)).to(device)
    g = adversarial(rng, (6,)).to(device)
    expect_close(learner.probe("ste", x, g, 3.0)["grad"], 3.0 * g, rtol=1e-12, atol=0.0,
                 what="the gradient of round_ste(3 x) with respect to x")
    # two calls with inputs of one shape and dtype, each rounded differently (x2 = x1 + 1): a result cached by shape
    # or an internal buffer the next call overwrites gives one call the other's values
    x1 = adversarial(rng, (7,), scale=5.0).to(device, torch.float64)
    got = learner.probe("ste_twice", x1, x1 + 1.0)
    for key, x, which in (("first", x1, "first"), ("second", x1 + 1.0, "second")):
        expect_close(got[key], torch.round(x), rtol=1e-12, atol=1e-12,
                     what=f"round_ste's {which} of two calls on inputs of the same shape and dtype, read after both "
                          "(each call rounds its own x: no result cached by shape, no buffer shared between calls)")


def expected_freeze(which, seed, x, frozen, prefrozen=()):
    """requires_grad and .grad of every parameter when exactly `frozen` (and `prefrozen`) are frozen (judge side)."""
    model = probes.freeze_model(which, seed, x.device, prefrozen)
    for name, p in model.named_parameters():
        if name in frozen:
            p.requires_grad_(False)
    out = model(x).pow(2).sum()
    if out.requires_grad:
        out.backward()
    return {n: p.requires_grad for n, p in model.named_parameters()}, {n: p.grad for n, p in model.named_parameters()}


def check_freeze(learner, which, name, seed, x, want, prefrozen=()):
    got = learner.probe("run_freeze", which, name, seed, x, prefrozen=prefrozen)
    if type(got["names"]) is not list or got["names"] != want:
        raise CheckFailure(f"freeze(model, {name!r}) must return a list of the full names of the parameters it froze, "
                           "in named_parameters() order (the submodule's parameters only, every one of them: find "
                           "them by identity, not by a prefix of their names)")
    flags, grads = expected_freeze(which, seed, x, want, prefrozen)
    for param, rg in flags.items():
        if got["requires_grad"].get(param) is not rg:
            raise CheckFailure(f"after freeze(model, {name!r}), {param} should {'' if rg else 'not '}require grad"
                               + (" (it was frozen before the call: leave it)" if param in prefrozen else ""))
    for param, g in grads.items():
        left = got["grads"].get(param)
        if g is None:
            if left is not None:
                raise CheckFailure(f"after freeze(model, {name!r}) and a backward, {param}.grad should stay None")
            continue
        if left is None:
            raise CheckFailure(f"after freeze(model, {name!r}) and a backward, {param}.grad should be set")
        expect_close(left, g, rtol=1e-5, atol=1e-6, what=f"{param}.grad after freeze(model, {name!r}) and a backward")


def test_freeze_by_submodule(learner, device, rng):
    """Only the named submodule is frozen: 'enc' not 'encoder', '1' not '10' or '11', and nested names work; every
    parameter of the submodule is, also one tied with another module's (head.weight is embed.weight: it is listed
    once in named_parameters(), under its first name), and '' (the root, the first name named_modules() gives)
    freezes the whole model; a parameter of the submodule already frozen before the call stays frozen."""
    x2, x3 = torch.randn(4, 2, generator=rng).to(device), torch.randn(4, 3, generator=rng).to(device)
    cases = (("two_encoders", "enc", x3, ["enc.0.weight", "enc.0.bias"]),
             ("two_encoders", "enc.0", x3, ["enc.0.weight", "enc.0.bias"]),
             ("two_encoders", "head", x3, ["head.weight", "head.bias"]),
             ("deep", "1", x2, ["1.weight", "1.bias"]),
             ("tied", "head", x3, ["embed.weight", "head.bias"]),
             ("two_encoders", "", x3, ["enc.0.weight", "enc.0.bias", "encoder.weight", "encoder.bias", "head.weight",
                                       "head.bias"]))
    for which, name, x, want in cases:
        check_freeze(learner, which, name, seed_of(rng), x, want)
    # a parameter of the submodule that was frozen before the call ends frozen too (every parameter of the
    # submodule gets requires_grad=False); whether the list names it is not graded here
    seed, frozen = seed_of(rng), ["enc.0.weight", "enc.0.bias"]
    got = learner.probe("run_freeze", "two_encoders", "enc", seed, x3, prefrozen=("enc.0.bias",))
    flags, _ = expected_freeze("two_encoders", seed, x3, frozen, ("enc.0.bias",))
    for param, rg in flags.items():
        if not isinstance(got["requires_grad"], dict) or got["requires_grad"].get(param) is not rg:
            raise CheckFailure(f"after freeze(model, 'enc'), {param} should {'' if rg else 'not '}require grad"
                               + (" (it was frozen before the call: every parameter of the submodule ends frozen)"
                                  if param == "enc.0.bias" else ""))


def test_freeze_leaves_others_untouched(learner, device, rng):
    """A parameter outside the submodule that was frozen before the call stays frozen; one inside is listed."""
    x3 = torch.randn(4, 3, generator=rng).to(device)
    check_freeze(learner, "two_encoders", "enc", seed_of(rng), x3, ["enc.0.weight", "enc.0.bias"],
                 prefrozen=("head.bias",))
    x2 = torch.randn(4, 2, generator=rng).to(device)
    check_freeze(learner, "deep", "11", seed_of(rng), x2, ["11.weight", "11.bias"], prefrozen=("1.weight",))


def ema_case(rng, device):
    seed_target, seed_online = seed_of(rng), seed_of(rng)
    if seed_online == seed_target:  # two different models for every draw: the average must move target
        seed_online = (seed_target + 1) % 10_000
    return seed_target, seed_online, torch.randn(6, 3, generator=rng).to(device)


def test_ema_values(learner, device, rng):
    """Parameters become decay * target + (1 - decay) * online (decay 0.9, 0.5 three times, and both ends 0 and 1),
    every one of them, also those of a target frozen with requires_grad=False (wholly or in part), and a weight
    shared by two layers (tied) once, as the one parameter it is; buffers (BatchNorm statistics, and a non-persistent
    buffer that state_dict() leaves out) are copied."""
    n_params = len(list(probes.ema_model(0, "cpu").parameters()))
    cases = ((0.9, 1, ()), (0.5, 3, ()), (0.0, 1, ()), (1.0, 1, ()), (0.6, 2, (0, 3)), (0.7, 1, tuple(range(n_params))))
    for k, (decay, steps, frozen) in enumerate(cases):
        st, so, x = ema_case(rng, device)
        got = learner.probe("run_ema", st, so, decay, x, steps, frozen=frozen)
        want = ema_reference(st, so, decay, x, steps)
        where = (" (every parameter of target frozen: requires_grad=False)" if len(frozen) == n_params else
                 " (some parameters of target frozen: requires_grad=False)" if frozen else "")
        # why: a wrong value in a later case with nothing frozen is most often state kept from an earlier call
        why = (": every parameter of target is averaged, whether or not it requires grad" if frozen else
               f" (case {k + 1} of {len(cases)}, each on a new target and online: average the modules each call is "
               "given, keeping nothing from an earlier call)" if k else "")
        for i, (a, b) in enumerate(zip(got["params"], want["params"])):
            expect_close(a, b, rtol=1e-6, atol=1e-7,
                         what=f"parameter {i} of target after {steps} EMA step(s) with decay {decay}{where}{why}")
        for i, (a, b) in enumerate(zip(got["buffers"], want["buffers"])):
            expect_close(a, b, rtol=1e-6, atol=1e-7, what=f"buffer {i} of target after the EMA update (every buffer "
                         "of target.buffers(), also a non-persistent one, which state_dict() leaves out)")
    # float64 models: the average to float64 precision (a decay rounded to float32 on the way, as a float32 0-d
    # tensor does, is off by about 1e-8; any way of writing the average, lerp included, is within 1e-15)
    for decay in (0.9, 0.37):
        st, so, x = ema_case(rng, device)
        x = x.double()
        got = learner.probe("run_ema", st, so, decay, x)
        want = ema_reference(st, so, decay, x)
        for i, (a, b) in enumerate(zip(got["params"], want["params"])):
            expect_close(a, b, rtol=1e-12, atol=1e-14,
                         what=f"parameter {i} of a float64 target after one EMA step with decay {decay}: "
                              "decay * target + (1 - decay) * online, to float64 precision")
    st, so, x = ema_case(rng, device)
    got = learner.probe("run_ema", st, so, 0.8, x, tied=True)
    want = ema_reference(st, so, 0.8, x, tied=True)
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, rtol=1e-6, atol=1e-7,
                     what=f"parameter {i} of target after one EMA step with decay 0.8, in a model whose two layers "
                          "share one weight (tied): that weight is one parameter, averaged once")


def test_ema_keeps_leaves(learner, device, rng):
    """The update is in place and unrecorded: target's original parameter objects hold the new values, stay leaves
    that require grad (a backward fills their .grad; one frozen before the call stays frozen), no gradient reaches
    online, and online is unchanged. (Assigning
    a new tensor to a parameter's .data keeps the object, which is what the task asks; it is accepted.)"""
    st, so, x = ema_case(rng, device)
    got = learner.probe("run_ema", st, so, 0.7, x)
    want = ema_reference(st, so, 0.7, x)
    for i, (a, b) in enumerate(zip(got["params"], want["params"])):
        expect_close(a, b, rtol=1e-6, atol=1e-7,
                     what=f"target's parameter {i}, read through the tensor object it had before the update "
                          "(update the parameters in place: mul_, add_, copy_, lerp_)")
    if not all(rg is True for rg in got["requires_grad"]):
        raise CheckFailure("target's parameters must still require grad after the update")
    frozen = (0, 3)
    flags = learner.probe("run_ema", st, so, 0.7, x, frozen=frozen)["requires_grad"]
    if flags != [i not in frozen for i in range(len(flags))] or len(flags) != len(got["requires_grad"]):
        raise CheckFailure("ema_update must leave each parameter's requires_grad as it was: one frozen before the "
                           "update (requires_grad=False) stays frozen, the others keep requiring grad")
    for i, (a, b) in enumerate(zip(got["grads"], want["grads"])):
        if a is None:
            raise CheckFailure(f"after the update, a backward through target leaves parameter {i}'s .grad None: it "
                               "must stay a leaf that requires grad (update it under torch.no_grad())")
        expect_close(a, b, rtol=1e-5, atol=1e-6, what=f"the gradient of target's parameter {i} after the update")
    if any(g is not None for g in got["online_grads"]):
        raise CheckFailure("a backward through target put gradients into online: the update recorded a graph")
    for i, (a, b) in enumerate(zip(got["online_params"], want["online_params"])):
        expect_close(a, b, rtol=0.0, atol=0.0, what=f"online's parameter {i} after ema_update (it must not change)")


def test_ema_buffers_are_copies(learner, device, rng):
    """target's buffers are copies: when online keeps training (its running statistics change in place), target's
    stay as they were at the update. So are its parameters: when online's parameters then move in place (an optimizer
    step), target's keep the averaged values, decay 0 included (where the average is online's value)."""
    for decay in (0.0, 0.5):
        st, so, x = ema_case(rng, device)
        got = learner.probe("run_ema", st, so, decay, x, online_steps=True)
        want = ema_reference(st, so, decay, x)
        for i, (a, b) in enumerate(zip(got["params"], want["params"])):
            expect_close(a, b, rtol=1e-6, atol=1e-7,
                         what=f"target's parameter {i} after an EMA step with decay {decay}, once online's parameters "
                              "moved on (an optimizer step): target must hold values of its own, not share online's "
                              "tensors (write into target's parameters: copy_, lerp_, mul_ and add_; never set_ or "
                              ".data = online's tensor)")
    st, so, x = ema_case(rng, device)
    got = learner.probe("run_ema", st, so, 0.9, x, x_after=torch.randn(6, 3, generator=rng).to(device) * 3 + 1)
    want = ema_reference(st, so, 0.9, x)
    for i, (a, b) in enumerate(zip(got["buffers"], want["buffers"])):
        expect_close(a, b, rtol=1e-6, atol=1e-7,
                     what=f"target's buffer {i} after online trained on another batch (copy the values, do not share "
                          "online's tensors)")
