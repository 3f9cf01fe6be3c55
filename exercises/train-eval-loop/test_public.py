"""Public graders for train-eval-loop."""

import torch
import torch.nn.functional as F

import math

from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)


def expect_float(actual, expected, what, inputs=""):
    if not isinstance(actual, float):
        raise CheckFailure(f"{what} must be a Python float", f"received {actual!r:.80}")
    if not math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12):
        raise CheckFailure(f"{what} is not right", f"inputs: {inputs}\nexpected {expected!r}, received {actual!r}")


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


def test_train_one_epoch_example(learner, device):
    """Two batches: at each optimizer.step() the gradient is that batch's own, fresh; the epoch loss is weighted by size."""
    w, data = weights(device), batches(device)
    got = learner.probe("epoch_trace", w, data, 0.1, 0.0)
    if len(got["steps"]) != 2:
        raise CheckFailure("train_one_epoch should take one optimizer step per batch",
                           f"it took {len(got['steps'])} steps for 2 batches")
    model, total = probes.make_model(w), 0.0
    for k, ((x, y), step) in enumerate(zip(data, got["steps"])):
        with torch.no_grad():
            for p, v in zip(model.parameters(), step["params"]):
                p.copy_(v)
        loss = F.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        total += loss.item() * len(x)
        for i, (a, b) in enumerate(zip(step["grads"], grads)):
            if a is None:
                raise CheckFailure(f"at step {k + 1} parameter {i} has no gradient: call backward() before step()")
            expect_close(a, b, rtol=1e-10, atol=1e-12, what=f"the gradient of parameter {i} at step {k + 1}",
                         inputs="batches of 3 and 2 samples, SGD lr 0.1")
    expect_float(got["returned"], total / 5, what="the returned epoch loss (mean over the 5 samples)",
                 inputs="batches of 3 and 2 samples")


def test_evaluate_example(learner, device):
    """evaluate() returns correct / total over all samples, as a float, with the model in eval mode."""
    w, data = weights(device), batches(device)
    got = learner.probe("eval_trace", w, data, True)
    model = probes.make_model(w).eval()
    with torch.no_grad():
        correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in data)
    expect_float(got["returned"], correct / 5, what="the accuracy over the 5 samples", inputs="batches of 3 and 2")
