"""Public graders for train-eval-loop: a fixed model and two batches; every reference is computed in the judge."""

import torch
import torch.nn.functional as F

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)


def weights(device):
    g = torch.Generator().manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    for p in model.parameters():
        torch.nn.init.normal_(p, generator=g)
    return {k: v.to(device, torch.float64 if v.is_floating_point() else v.dtype) for k, v in model.state_dict().items()}


def batches(device):
    x = torch.tensor([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0], [-1.0, -1.0, 1.0], [2.0, 1.0, 0.0], [0.0, 1.0, 1.0]],
                     dtype=torch.float64, device=device)
    y = torch.tensor([0, 1, 1, 0, 1], device=device)
    return [(x[:3], y[:3]), (x[3:], y[3:])]


SHOWN = "x = [[1, 0, -1], [0.5, 2, 0], [-1, -1, 1], [2, 1, 0], [0, 1, 1]], y = [0, 1, 1, 0, 1], batches of 3 and 2"


def expect_number(actual, expected, what, rel=1e-9):
    value = kit.expect_float(actual, what=what)
    if abs(value - expected) > rel * abs(expected) + 1e-12:
        raise CheckFailure(f"{what} is not right", f"inputs: {SHOWN}\nexpected {expected!r}, received {value!r}")


def test_train_one_epoch_example(learner, device):
    """Two batches: at each optimizer.step() the gradient is that batch's own, fresh; the epoch loss is weighted by size."""
    w, data = weights(device), batches(device)
    got = learner.probe("epoch_trace", w, data, 0.1, 0.0)
    model = probes.make_model(w).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    if not isinstance(got, dict) or not isinstance(got.get("grads"), list) or len(got["grads"]) != 2:
        steps = len(got["grads"]) if isinstance(got, dict) and isinstance(got.get("grads"), list) else summarize(got)
        raise CheckFailure("train_one_epoch should take one optimizer step per batch",
                           f"inputs: {SHOWN}\nit took {steps} steps for 2 batches")
    total = 0.0
    for k, ((x, y), seen) in enumerate(zip(data, got["grads"]), start=1):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        total += loss.item() * len(x)
        for i, (a, p) in enumerate(zip(seen, model.parameters())):
            if a is None:
                raise CheckFailure(f"at step {k} parameter {i} has no gradient: call backward() before step()",
                                   f"inputs: {SHOWN}")
            expect_close(a, p.grad, rtol=1e-10, atol=1e-12, what=f"the gradient of parameter {i} at step {k}",
                         inputs=SHOWN + ", SGD lr 0.1")
        opt.step()
    expect_number(got["returned"], total / 5, "the returned epoch loss (mean over the 5 samples)")


def test_evaluate_example(learner, device):
    """evaluate() returns correct / total over all samples, as a float, with the model in eval mode."""
    w, data = weights(device), batches(device)
    got = learner.probe("eval_trace", w, data, True)
    model = probes.make_model(w).eval()
    with torch.no_grad():
        correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in data)
    if not isinstance(got, dict):
        raise CheckFailure("evaluate() could not be run", f"received {summarize(got)}")
    expect_number(got["returned"], correct / 5, "the accuracy over the 5 samples", rel=1e-6)
