"""Public graders for gradient-hooks: every reference is computed here, in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.kit import expect_float

probes = load_sibling(__file__)


def expected_norms(seed, batches, frozen=False):
    """This batch's own gradient norm of every parameter that requires grad, batch by batch (judge side)."""
    model = probes.mlp(seed, frozen).to(batches[0][0].device)
    out = []
    for x, y in batches:
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        grads = torch.autograd.grad(probes.loss_of(model, x, y), [p for _, p in named])
        out.append({n: float(g.norm()) for (n, _), g in zip(named, grads)})
    return out


def test_log_example(learner, device):
    """One backward through a small MLP logs one norm per parameter, equal to that parameter's gradient norm."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 3, generator=g).to(device), torch.randn(4, 2, generator=g).to(device)
    got = learner.probe("logging_run", 0, [(x, y)])
    want = expected_norms(0, [(x, y)])[0]
    inputs = "Sequential(Linear(3, 5), Tanh(), Linear(5, 2)) after torch.manual_seed(0), one batch of 4, F.mse_loss"
    log = got["log"]
    if not isinstance(log, dict) or sorted(log) != sorted(want):
        raise CheckFailure("log must be a dict with one key per parameter name",
                           f"inputs: {inputs}\nexpected keys: {sorted(want)}\nreceived: {log!r:.300}")
    for name, norm in want.items():
        logged = log[name]
        if not isinstance(logged, list) or len(logged) != 1:
            raise CheckFailure(f"after one backward, log[{name!r}] must be a list holding one norm",
                               f"inputs: {inputs}\nexpected [{norm:.6g}]\nreceived {logged!r:.200}")
        value = expect_float(logged[0], what=f"log[{name!r}][0]")
        if abs(value - norm) > 1e-6 * abs(norm):
            raise CheckFailure(f"the logged norm for {name} is wrong",
                               f"inputs: {inputs}\nexpected [{norm:.6g}]\nreceived [{value:.6g}]")


def test_clamp_example(learner, device):
    """Clamping the gradient at t = x * w to [-1, 1]: x.grad = w * clamp(incoming gradient, -1, 1), both signs."""
    f64 = dict(dtype=torch.float64, device=device)
    x = torch.tensor([0.1, 0.5, -2.0, 1.0], **f64)
    w = torch.tensor([2.0, -1.0, 3.0, 0.5], **f64)
    up = torch.tensor([3.0, -4.0, 0.25, 0.0], **f64)
    got = learner.probe("clamp_run", x, w, up, 1.0)
    expect_close(got["x_grad"], w * up.clamp(-1.0, 1.0), what="x.grad with the gradient at t clamped to [-1, 1]",
                 inputs="x = [0.1, 0.5, -2, 1], w = [2, -1, 3, 0.5], t = x * w, t.backward([3, -4, 0.25, 0]), "
                        "bound = 1")
