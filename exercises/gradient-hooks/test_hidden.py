"""Hidden graders for gradient-hooks: random models and batches per run, references computed without hooks."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)


def batches(rng, device, n):
    return [(torch.randn(4, 3, generator=rng).to(device), torch.randn(4, 2, generator=rng).to(device))
            for _ in range(n)]


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def check_log(got, n_logged, what):
    if not isinstance(got["log"], dict):
        raise CheckFailure("log_grad_norms must return (dict of lists, handles)")
    if sorted(got["log"]) != sorted(got["want"][0]):
        raise CheckFailure(f"log must have one key per parameter that requires grad, named as in "
                           f"named_parameters() ({what})")
    for name in got["want"][0]:
        logged = got["log"][name]
        want = [step[name] for step in got["want"][:n_logged]]
        if len(logged) != len(want):
            raise CheckFailure(f"{name} has {len(logged)} logged norms after {n_logged} logged backward calls ({what})")
        if not all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(logged, want)):
            raise CheckFailure(f"the logged norms for {name} are wrong ({what})")


def test_log_each_backward(learner, device, rng):
    """Three backward calls (no zero_grad between them) log three norms per parameter: each this backward's own."""
    got = learner.probe("logging_run", seed_of(rng), batches(rng, device, 3))
    check_log(got, 3, "three backward calls; .grad accumulates, the hooks must not")


def test_log_skips_frozen_parameters(learner, device, rng):
    """A parameter with requires_grad=False is not logged (a hook cannot be registered on it)."""
    got = learner.probe("logging_run", seed_of(rng), batches(rng, device, 2), frozen=True)
    check_log(got, 2, "a model with a frozen bias")


def test_log_handles_remove(learner, device, rng):
    """Removing every returned handle stops the logging."""
    got = learner.probe("logging_run", seed_of(rng), batches(rng, device, 3), remove_after=1)
    if got["handles"] < 1:
        raise CheckFailure("log_grad_norms must return the hook handles as a list")
    check_log(got, 1, "handles removed after the first backward")


def test_clamp_grad(learner, device, rng):
    """The gradient through t is clamped before it flows back to x, for several bounds."""
    x = torch.randn(8, generator=rng, dtype=torch.float64).to(device) * 2
    w = torch.tensor(1.5, dtype=torch.float64, device=device)
    t = x * w
    for bound in (0.5, 3.0, 100.0):
        expect_close(learner.probe("clamp_run", x, w, bound), w * torch.clamp(3 * t ** 2, -bound, bound),
                     rtol=1e-12, atol=1e-12, what=f"x.grad with the gradient at t clamped to {bound}")


def test_clamp_handle_removes(learner, device, rng):
    """After handle.remove() the gradient is no longer clamped."""
    x = torch.randn(6, generator=rng, dtype=torch.float64).to(device) * 3
    w = torch.tensor(2.0, dtype=torch.float64, device=device)
    expect_close(learner.probe("clamp_run", x, w, 0.1, remove=True), w * 3 * (x * w) ** 2, rtol=1e-12, atol=1e-12,
                 what="x.grad after the clamp hook was removed")


def test_scale_grad_to_inputs(learner, device, rng):
    """The gradient reaching the module's input (and everything before it) is scaled; its own parameters' are not."""
    for factor in (0.0, -1.0, 3.5):
        seed = seed_of(rng)
        x, y = torch.randn(5, 3, generator=rng).to(device), torch.randn(5, 2, generator=rng).to(device)
        got = learner.probe("scale_run", seed, x, y, factor)
        want = probes.scale_reference(seed, x, y, factor)
        for name, w in want.items():
            expect_close(got.get(name), w.detach(), rtol=1e-5, atol=1e-7,
                         what=f"the gradient of {name} with the second layer's input gradient scaled by {factor}")
