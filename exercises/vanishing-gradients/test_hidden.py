"""Hidden graders for vanishing-gradients: seeds chosen per run; every reference norm and ratio is computed here,
in the judge, from raw results."""

import math

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)


def seeds(rng, n):
    return [int(s) for s in torch.randint(0, 10_000, (n,), generator=rng)]


def expected_norms(which, depth, width, seed, device, again=False):
    model = probes.network(which, depth, width, seed, device)
    x, y = probes.data(seed, width, device)
    if again:  # the second call of measure_again: the same model after a step, on another batch
        probes.step(model, seed)
        x, y = probes.data(seed + 5, width, device)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        loss = torch.nn.functional.mse_loss(model(x), y)
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        return [float(g.norm()) for g in torch.autograd.grad(loss, [m.weight for m in linears])]
    finally:
        torch.set_num_threads(threads)


def check_norms(learner, which, depth, width, seed, device, what, stale=False, got=None, again=False):
    if got is None:
        got = learner.probe("measure", which, depth, width, seed, device, stale=stale)
    want = expected_norms(which, depth, width, seed, device, again=again)
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"linear_grad_norms must return a list with one float per nn.Linear ({what})")
    for i, (u, v) in enumerate(zip(got, want)):
        if type(u) is not float:
            raise CheckFailure(f"linear_grad_norms must return Python floats ({what})")
    close = [math.isclose(u, v, rel_tol=1e-6, abs_tol=1e-30) for u, v in zip(got, want)]
    if not all(close):
        i = close.index(False)
        # why: name the two commonest causes the values show (the order backward reaches the layers; gradients
        # added to those of an earlier backward or an earlier call), never the expected norms themselves
        if len(want) > 1 and all(math.isclose(u, v, rel_tol=1e-6, abs_tol=1e-30) for u, v in zip(got, want[::-1])):
            why = ": the norms come in reverse order; list them in model.modules() order, not in the order backward " \
                  "reaches the layers"
        elif all(u >= v for u, v in zip(got, want)):
            why = ": it is too large, as if another backward's gradient (left in .grad, or kept from an earlier call) " \
                  "were added in"
        else:
            why = ""
        raise CheckFailure(f"the gradient norm of Linear {i} is wrong ({what}){why}")
    return got


def test_norms_deep_sigmoid(learner, device, rng):
    """On a 20-layer sigmoid MLP the norms are right down to ~1e-17 (the first layer's gradient has vanished); on a
    26-layer one in float64, down to ~1e-22 (each norm to relative 1e-6: computed in the gradient's dtype)."""
    for seed in seeds(rng, 2):
        check_norms(learner, "sigmoid", 20, 64, seed, device, "a 20-layer sigmoid MLP, norms down to 1e-17")
    check_norms(learner, "sigmoid64", 26, 64, seeds(rng, 1)[0], device,
                "a 26-layer sigmoid MLP in float64, norms down to 1e-22: compute each norm in the gradient's dtype "
                "(float32 loses these)")


def test_norms_residual_model(learner, device, rng):
    """On a residual tanh network (LayerNorm inside the blocks) the norms are right too, in modules() order; and on a
    network with BatchNorm1d layers given in train mode, whose loss is the one of that mode."""
    for seed in seeds(rng, 2):
        check_norms(learner, "residual", 6, 8, seed, device, "a residual network with nested Linear layers")
    # The loss is F.mse_loss(model(x), y) with the model as it comes: in train mode BatchNorm1d normalises with the
    # batch's statistics, so switching the model to eval() (running statistics) changes every norm.
    check_norms(learner, "batchnorm", 3, 8, seeds(rng, 1)[0], device,
                "a model with BatchNorm1d layers, given in train mode: compute the loss in the mode the model is in, "
                "without calling model.eval() or model.train()")


def test_norms_only_linear_weights(learner, device, rng):
    """Every nn.Linear counts (a subclass and one without bias included) and nothing else does (another module's
    2-D parameter called `weight`, an nn.Bilinear); a Linear used at two places is one module, listed once; two Linear
    modules sharing one weight are two modules, listed twice; a model that is itself an nn.Linear has one entry."""
    check_norms(learner, "mixed", 5, 6, seeds(rng, 1)[0], device,
                "a network with a bias-free Linear, a Linear subclass and a non-Linear 2-D weight")
    check_norms(learner, "shared", 4, 6, seeds(rng, 1)[0], device,
                "a network with one Linear used at two places (it is one module) and an nn.Bilinear (which is no "
                "nn.Linear)")
    check_norms(learner, "tied", 4, 6, seeds(rng, 1)[0], device,
                "a network with two nn.Linear modules sharing one weight (tied weights): each module has its own entry")
    check_norms(learner, "single", 1, 6, seeds(rng, 1)[0], device,
                "a model that is itself one nn.Linear (model.modules() starts with the model itself)")


def test_stale_gradients_ignored(learner, device, rng):
    """Gradients already in .grad (from an earlier backward) do not count, for every nn.Linear (one without bias and
    a subclass included); nor does anything from an earlier call on the same model (a second call, after a step,
    on another batch, gives that loss's norms)."""
    check_norms(learner, "sigmoid", 4, 8, seeds(rng, 1)[0], device, "a model with stale gradients in .grad",
                stale=True)
    check_norms(learner, "mixed", 5, 6, seeds(rng, 1)[0], device, "a model with stale gradients in .grad, a bias-free "
                "Linear and a Linear subclass among its layers", stale=True)
    check_norms(learner, "sigmoid", 4, 8, seeds(rng, 1)[0], device, "a model whose parameters all hold stale "
                "gradients but the first, which has .grad None (an earlier backward did not reach it): clear every "
                "parameter's .grad, whatever the first one holds", stale="partial")
    # Two calls on one model, a step between them and another batch for the second: the second call's norms are those
    # of its own loss, not the first call's (a result cached by id(model) or by the shapes answers with stale norms),
    # and whatever the first call left in .grad does not count.
    seed = seeds(rng, 1)[0]
    got = learner.probe("measure_again", "sigmoid", 4, 8, seed, device)
    if not isinstance(got, list) or len(got) != 2:
        raise CheckFailure("the grader could not read two calls of linear_grad_norms on one model")
    check_norms(learner, "sigmoid", 4, 8, seed, device, "the first of two calls on one model", got=got[0])
    check_norms(learner, "sigmoid", 4, 8, seed, device, "the second of two calls on one model, after a step moved "
                "every weight, on another batch: compute the norms of this call's loss afresh (nothing cached from "
                "the first call, and its gradients left in .grad do not count)", got=got[1], again=True)


def stable(learner, depth, width, seed, device):
    got = learner.probe("stable", depth, width, seed, device)
    if not got.get("module"):
        raise CheckFailure("make_stable_deep_net must return an nn.Module")
    out = got["out"]
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (32, 1):
        raise CheckFailure(f"make_stable_deep_net({depth}, {width}) must map (N, {width}) to (N, 1)")
    if not bool(torch.isfinite(out).all()):
        raise CheckFailure(f"make_stable_deep_net({depth}, {width}) gives non-finite outputs")
    linears = got["linears"]
    square = [n for i, o, n in linears if i == width and o == width]
    if len(square) < depth:
        raise CheckFailure(f"make_stable_deep_net({depth}, {width}) needs at least {depth} "
                           f"nn.Linear({width}, {width}) layers: keep it deep, for every depth (a net built for one "
                           "depth, or capped at some depth, is not)",
                           f"expected at least {depth} nn.Linear({width}, {width}) in model.modules(), "
                           f"found {len(square)}")
    return linears


def test_stable_net_structure(learner, device, rng):
    """The stable net maps (N, width) to (N, 1) with at least depth Linear(width, width) layers, each of which gets a
    weight gradient: depths 20 and 8 and one drawn per run between 21 and 48 (every call of make_stable_deep_net,
    depth 40 included, checks the count)."""
    for depth, width in ((20, 64), (8, 16), (int(torch.randint(21, 49, (1,), generator=rng)), 16)):
        linears = stable(learner, depth, width, seeds(rng, 1)[0], device)
        square = [n for i, o, n in linears if i == width and o == width]
        if len(square) < depth:
            raise CheckFailure(f"make_stable_deep_net({depth}, {width}) needs at least {depth} "
                               f"nn.Linear({width}, {width}) layers: keep it deep")
        if any(n is None or n == 0.0 for _, _, n in linears):
            raise CheckFailure(f"in make_stable_deep_net({depth}, {width}) some nn.Linear gets no weight gradient: "
                               "every layer must be on the path from the input to the output")


def test_stable_net_keeps_gradients(learner, device, rng):
    """For depth 20 (width 64) and depth 40 (width 32), several seeds, default initialisation: first/last ratio
    within [0.01, 100]."""
    for depth, width in ((20, 64), (40, 32)):
        for seed in seeds(rng, 2):
            norms = [n for _, _, n in stable(learner, depth, width, seed, device)]
            if len(norms) < 2 or any(n is None for n in norms):
                raise CheckFailure(f"in make_stable_deep_net({depth}, {width}) some nn.Linear gets no weight gradient")
            ratio = norms[0] / norms[-1] if norms[-1] else math.inf
            if not 1e-2 <= ratio <= 1e2:
                raise CheckFailure(f"make_stable_deep_net({depth}, {width}): the first layer's gradient is not within "
                                   "a factor 100 of the last layer's (with PyTorch's default initialisation)")
