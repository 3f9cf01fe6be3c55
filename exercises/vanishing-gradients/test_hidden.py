"""Hidden graders for vanishing-gradients: seeds chosen per run, a vanishing and a residual network measured."""

import math

from grader.judge.checks import CheckFailure


def seeds(rng, n):
    import torch

    return [int(s) for s in torch.randint(0, 10_000, (n,), generator=rng)]


def check_norms(got, what):
    a, b = got["got"], got["want"]
    if not isinstance(a, list) or len(a) != len(b):
        raise CheckFailure(f"linear_grad_norms must return one float per nn.Linear ({what})")
    for i, (u, v) in enumerate(zip(a, b)):
        if not isinstance(u, float) or not math.isclose(u, v, rel_tol=1e-6, abs_tol=1e-30):
            raise CheckFailure(f"the gradient norm of Linear {i} is wrong ({what})")


def test_norms_deep_sigmoid(learner, device, rng):
    """On a 20-layer sigmoid MLP the norms are right down to ~1e-17 (the first layer's gradient has vanished)."""
    for seed in seeds(rng, 2):
        got = learner.probe("measure", "sigmoid", 20, 64, seed, device)
        check_norms(got, "a 20-layer sigmoid MLP")
        if not got["got"][0] / got["got"][-1] < 1e-10:
            raise CheckFailure("on a 20-layer sigmoid MLP the first/last ratio should be below 1e-10")


def test_norms_residual_model(learner, device, rng):
    """On a residual tanh network (LayerNorm inside the blocks) the norms are right too, in modules() order."""
    for seed in seeds(rng, 2):
        check_norms(learner.probe("measure", "residual", 6, 8, seed, device), "a residual network")


def test_stale_gradients_ignored(learner, device, rng):
    """Gradients already in .grad (from an earlier backward) do not count."""
    check_norms(learner.probe("measure", "sigmoid", 4, 8, seeds(rng, 1)[0], device, stale=True),
                "a model with stale gradients in .grad")


def stable(learner, depth, width, seed, device):
    got = learner.probe("stable", depth, width, seed, device)
    if not got["is_module"]:
        raise CheckFailure("make_stable_deep_net must return an nn.Module")
    return got


def test_stable_net_structure(learner, device, rng):
    """The stable net maps (N, width) to (N, 1) with at least depth Linear(width, width) layers."""
    for depth, width in ((20, 64), (8, 16)):
        got = stable(learner, depth, width, seeds(rng, 1)[0], device)
        if got["out_shape"] != [32, 1]:
            raise CheckFailure(f"make_stable_deep_net({depth}, {width}) must map (N, {width}) to (N, 1)")
        if got["square_linears"] < depth:
            raise CheckFailure(f"make_stable_deep_net({depth}, {width}) needs at least {depth} "
                               f"nn.Linear({width}, {width}) layers: keep it deep")


def test_stable_net_keeps_gradients(learner, device, rng):
    """For depth 20 (width 64) and depth 40 (width 32), several seeds: first/last ratio within [0.01, 100]."""
    for depth, width in ((20, 64), (40, 32)):
        for seed in seeds(rng, 2):
            norms = stable(learner, depth, width, seed, device)["norms"]
            ratio = norms[0] / norms[-1] if norms[-1] else math.inf
            if not 1e-2 <= ratio <= 1e2:
                raise CheckFailure(f"make_stable_deep_net({depth}, {width}): the first layer's gradient is not within "
                                   "a factor 100 of the last layer's")
