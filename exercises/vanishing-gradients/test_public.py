"""Public graders for vanishing-gradients."""

import math

from grader.judge.checks import CheckFailure


def test_norms_example(learner, device):
    """linear_grad_norms on a 3-layer sigmoid MLP (seed 0) equals the norms of each Linear's weight.grad."""
    got = learner.probe("measure", "sigmoid", 3, 4, 0, device)
    inputs = "make_deep_sigmoid_mlp(3, 4) after torch.manual_seed(0), a batch of 32, F.mse_loss"
    if not isinstance(got["got"], list) or len(got["got"]) != len(got["want"]):
        raise CheckFailure("linear_grad_norms must return one float per nn.Linear (4 here)", f"inputs: {inputs}")
    for i, (a, b) in enumerate(zip(got["got"], got["want"])):
        if not isinstance(a, float) or not math.isclose(a, b, rel_tol=1e-6):
            raise CheckFailure(f"the gradient norm of Linear {i} is wrong",
                               f"inputs: {inputs}\nexpected {got['want']}\nreceived {got['got']}")


def test_stable_net_example(learner, device):
    """make_stable_deep_net(20, 64) keeps the first/last Linear gradient ratio within [0.01, 100] (seed 0)."""
    got = learner.probe("stable", 20, 64, 0, device)
    if not got["is_module"]:
        raise CheckFailure("make_stable_deep_net must return an nn.Module")
    ratio = got["norms"][0] / got["norms"][-1] if got["norms"][-1] else math.inf
    if not 1e-2 <= ratio <= 1e2:
        raise CheckFailure("the first layer's gradient is not within a factor 100 of the last layer's",
                           f"make_stable_deep_net(20, 64), seed 0: ratio {ratio:.3g}")
