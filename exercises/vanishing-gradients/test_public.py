"""Public graders for vanishing-gradients: references computed here, in the judge."""

import math

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)


def expected_norms(which, depth, width, seed, device):
    """The true norms, on the judge's own copy of the graders' network (one thread, like the worker)."""
    model = probes.network(which, depth, width, seed, device)
    x, y = probes.data(seed, width, device)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        loss = torch.nn.functional.mse_loss(model(x), y)
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        return [float(g.norm()) for g in torch.autograd.grad(loss, [m.weight for m in linears])]
    finally:
        torch.set_num_threads(threads)


def test_norms_example(learner, device):
    """linear_grad_norms on a 3-layer sigmoid MLP (seed 0) equals the norms of each Linear's weight gradient."""
    got = learner.probe("measure", "sigmoid", 3, 4, 0, device)
    want = expected_norms("sigmoid", 3, 4, 0, device)
    inputs = ("make_deep_sigmoid_mlp(3, 4) after torch.manual_seed(0); x (32, 4) and y (32, 1) from "
              "torch.randn with a Generator seeded 1; F.mse_loss")
    detail = f"inputs: {inputs}\nexpected {want}\nreceived {got!r:.300}"
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"linear_grad_norms must return a list with one float per nn.Linear ({len(want)} here)",
                           detail)
    for i, (a, b) in enumerate(zip(got, want)):
        if type(a) is not float:
            raise CheckFailure(f"entry {i} must be a Python float (use float(...) or .item())", detail)
        if not math.isclose(a, b, rel_tol=1e-6):
            raise CheckFailure(f"the gradient norm of Linear {i} is wrong", detail)


def test_stable_net_example(learner, device):
    """make_stable_deep_net(20, 64) keeps the first/last Linear gradient ratio within [0.01, 100] (seed 0)."""
    got = learner.probe("stable", 20, 64, 0, device)
    if not got.get("module"):
        raise CheckFailure("make_stable_deep_net must return an nn.Module", f"received {got!r:.200}")
    norms = [n for _, _, n in got["linears"]]
    inputs = "make_stable_deep_net(20, 64) after torch.manual_seed(0), reset_parameters() on every submodule, a batch of 32"
    if len(norms) < 2 or any(n is None for n in norms):
        raise CheckFailure("every nn.Linear of the stable net must get a weight gradient",
                           f"inputs: {inputs}\nweight gradient norms (None: no gradient): {norms}")
    ratio = norms[0] / norms[-1] if norms[-1] else math.inf
    if not 1e-2 <= ratio <= 1e2:
        raise CheckFailure("the first layer's gradient is not within a factor 100 of the last layer's",
                           f"inputs: {inputs}\nexpected a ratio in [0.01, 100]\nreceived ratio {ratio:.3g} "
                           f"(first {norms[0]:.3g}, last {norms[-1]:.3g})")
