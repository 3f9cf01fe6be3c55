"""Hidden graders for leaves-detach-freeze: random inputs and seeds per run."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_equal, load_sibling

probes = load_sibling(__file__)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_round_ste_values_and_gradient(learner, device, rng):
    """Forward equals torch.round (float32 and float64), the gradient is exactly the incoming one, inside a graph too."""
    for dtype in (torch.float32, torch.float64):
        x = (torch.randn(10, generator=rng, dtype=torch.float64) * 5).to(device, dtype)
        g = torch.randn(10, generator=rng, dtype=torch.float64).to(device, dtype)
        got = learner.probe("ste", x, g)
        tol = 1e-6 if dtype == torch.float32 else 1e-12  # x + (round(x) - x) may differ from round(x) by rounding
        expect_close(got["out"], torch.round(x), rtol=tol, atol=tol, what=f"round_ste(x) in {dtype}")
        expect_close(got["grad"], g, rtol=0.0, atol=0.0, what=f"the gradient of round_ste in {dtype}")
        if not got["requires_grad"]:
            raise CheckFailure("round_ste's output must stay in the graph (requires_grad)")
    x = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
    g = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.probe("ste", x, g, 3.0)["grad"], 3.0 * g, rtol=1e-12, atol=0.0,
                 what="the gradient of round_ste(3 x) with respect to x")


def test_freeze_by_submodule(learner, device, rng):
    """Only the named submodule is frozen: 'enc' not 'encoder', '1' not '10' or '11', and nested names work."""
    x2, x3 = torch.randn(4, 2, generator=rng).to(device), torch.randn(4, 3, generator=rng).to(device)
    cases = (("two_encoders", "enc", x3, ["enc.0.weight", "enc.0.bias"]),
             ("two_encoders", "enc.0", x3, ["enc.0.weight", "enc.0.bias"]),
             ("two_encoders", "head", x3, ["head.weight", "head.bias"]),
             ("deep", "1", x2, ["1.weight", "1.bias"]))
    for which, name, x, want in cases:
        got = learner.probe("run_freeze", which, name, seed_of(rng), x)
        expect_equal(got["names"], want, what=f"the names returned by freeze(model, {name!r})")
        for param, rg in got["requires_grad"].items():
            frozen = param in want
            if rg == frozen:
                raise CheckFailure(f"after freeze(model, {name!r}), {param} should {'not ' if frozen else ''}"
                                   "require grad")
            if got["has_grad"][param] == frozen:
                raise CheckFailure(f"after freeze(model, {name!r}) and a backward, {param}.grad should "
                                   f"{'stay None' if frozen else 'be set'}")


def test_ema_values(learner, device, rng):
    """Parameters become decay * target + (1 - decay) * online; buffers (BatchNorm statistics) are copied."""
    for decay, steps in ((0.9, 1), (0.5, 3)):
        st, so = seed_of(rng), seed_of(rng)
        x = torch.randn(6, 3, generator=rng).to(device)
        got = learner.probe("run_ema", st, so, decay, x, steps)
        want_p, want_b = probes.ema_reference(st, so, decay, x, steps)
        for i, (a, b) in enumerate(zip(got["params"], want_p)):
            expect_close(a, b, rtol=1e-6, atol=1e-7, what=f"parameter {i} after {steps} EMA step(s) with decay {decay}")
        for i, (a, b) in enumerate(zip(got["buffers"], want_b)):
            expect_close(a, b, rtol=1e-6, atol=1e-7, what=f"buffer {i} after the EMA update")


def test_ema_keeps_leaves(learner, device, rng):
    """The update is in place and unrecorded: same parameter objects, still leaves requiring grad, no graph to online."""
    got = learner.probe("run_ema", seed_of(rng), seed_of(rng), 0.99, torch.randn(6, 3, generator=rng).to(device))
    if not got["same_objects"]:
        raise CheckFailure("ema_update replaced target's parameters: update them in place (mul_, add_, copy_)")
    if not got["leaves"]:
        raise CheckFailure("target's parameters must stay leaves that require grad (update them under torch.no_grad())")
    if any(got["online_grads"]):
        raise CheckFailure("a backward through target put gradients into online: the update recorded a graph")
    if not got["online_unchanged"]:
        raise CheckFailure("ema_update must not change online's parameters")
