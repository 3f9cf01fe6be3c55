"""Hidden graders for train-eval-loop: random data and weights; every step is replayed in the judge."""

import copy
import math

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)
D, H, C = 8, 16, 3


def weights(rng, device):
    model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.BatchNorm1d(H), torch.nn.ReLU(), torch.nn.Linear(H, C))
    sd = model.state_dict()
    for k, v in sd.items():
        if v.is_floating_point():
            v.copy_(torch.randn(v.shape, generator=rng) * (0.5 if "weight" in k or "bias" in k else 1.0))
    sd["1.running_var"] = torch.rand(H, generator=rng) + 0.5
    return {k: v.to(device, torch.float64 if v.is_floating_point() else v.dtype) for k, v in sd.items()}


def blobs(rng, n, device, centres):
    y = torch.randint(0, C, (n,), generator=rng)
    x = centres[y] + torch.randn(n, D, generator=rng, dtype=torch.float64)
    return x.to(device), y.to(device)


def split(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def expect_float(actual, expected, what):
    if not isinstance(actual, float):
        raise CheckFailure(f"{what} must be a Python float (use .item()), not {type(actual).__name__}")
    if not math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12):
        raise CheckFailure(f"{what} is not right")


def epoch(learner, rng, device, momentum=0.9):
    w = weights(rng, device)
    centres = torch.randn(C, D, generator=rng, dtype=torch.float64) * 2
    x, y = blobs(rng, 75, device, centres)
    data = split(x, y, 16)  # 4 batches of 16 and one of 11
    return w, data, learner.probe("epoch_trace", w, data, 0.05, momentum)


def replay(w, data, steps):
    """Per step: the fresh gradient and loss of that batch at the parameters the step saw."""
    model = probes.make_model(w).train()
    out = []
    for (x, y), step in zip(data, steps):
        with torch.no_grad():
            for p, v in zip(model.parameters(), step["params"]):
                p.copy_(v)
        loss = F.cross_entropy(model(x), y)
        out.append((torch.autograd.grad(loss, list(model.parameters())), loss.item()))
    return out


def test_one_step_per_batch(learner, device, rng):
    """train_one_epoch computes the loss once and calls optimizer.step() once per batch."""
    _, data, got = epoch(learner, rng, device)
    if len(got["steps"]) != len(data) or got["loss_calls"] != len(data):
        raise CheckFailure("train_one_epoch must compute one loss and take one optimizer step per batch")


def test_each_step_uses_the_fresh_batch_gradient(learner, device, rng):
    """At every optimizer.step() the .grad of each parameter is exactly that batch's gradient (zero_grad, then backward)."""
    for momentum in (0.0, 0.9):
        w, data, got = epoch(learner, rng, device, momentum)
        if len(got["steps"]) != len(data):
            raise CheckFailure("train_one_epoch must take one optimizer step per batch")
        for k, (step, (grads, _)) in enumerate(zip(got["steps"], replay(w, data, got["steps"]))):
            for i, (a, b) in enumerate(zip(step["grads"], grads)):
                if a is None:
                    raise CheckFailure(f"at step {k + 1} a parameter has no gradient: backward() must come before step()")
                expect_close(a, b, rtol=1e-9, atol=1e-12,
                             what=f"the gradient of parameter {i} when optimizer.step() is called for batch {k + 1}")


def test_training_mode_during_training(learner, device, rng):
    """train_one_epoch puts the model in training mode (it was handed over in eval mode)."""
    _, _, got = epoch(learner, rng, device)
    if not got["steps"] or not all(s["training"] for s in got["steps"]):
        raise CheckFailure("the model must be in training mode (model.train()) while it trains")


def test_returns_sample_weighted_mean_loss(learner, device, rng):
    """The returned epoch loss is a float: the mean over all samples, so the short last batch weighs less."""
    w, data, got = epoch(learner, rng, device)
    if len(got["steps"]) != len(data):
        raise CheckFailure("train_one_epoch must take one optimizer step per batch")
    losses = [loss for _, loss in replay(w, data, got["steps"])]
    expect_float(got["returned"], sum(l * len(x) for l, (x, _) in zip(losses, data)) / sum(len(x) for x, _ in data),
                 "the returned epoch loss")


def eval_case(learner, rng, device, training):
    w = weights(rng, device)
    x, y = blobs(rng, 57, device, torch.randn(C, D, generator=rng, dtype=torch.float64))
    data = [(x[:50], y[:50]), (x[50:], y[50:])]
    return w, data, learner.probe("eval_trace", w, data, training)


def test_evaluate_counts_every_sample(learner, device, rng):
    """evaluate() returns correct / total over every sample (not the mean of per-batch accuracies), as a float."""
    for _ in range(2):
        w, data, got = eval_case(learner, rng, device, False)
        model = probes.make_model(w).eval()
        with torch.no_grad():
            correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in data)
        expect_float(got["returned"], correct / 57, "the accuracy")


def test_evaluate_in_eval_mode_without_grad(learner, device, rng):
    """evaluate() runs the model in eval mode under no_grad: BatchNorm uses and keeps its running statistics."""
    w, data, got = eval_case(learner, rng, device, True)
    if not got["forwards"] or any(grad for grad, _ in got["forwards"]):
        raise CheckFailure("evaluation must run under torch.no_grad() (or inference_mode): no graph is needed")
    if any(mode for _, mode in got["forwards"]):
        raise CheckFailure("the model must be in eval mode (model.eval()) during evaluation")
    for key in ("1.running_mean", "1.running_var"):
        expect_close(got["state"][key], w[key], rtol=0, atol=0, what=f"BatchNorm's {key.split('.')[1]} after evaluate()")
    if not got["grads_none"]:
        raise CheckFailure("evaluate() must not compute gradients")


def test_evaluate_restores_the_mode(learner, device, rng):
    """evaluate() leaves the model in the mode it found it in (training stays training, eval stays eval)."""
    for training in (True, False):
        _, _, got = eval_case(learner, rng, device, training)
        if got["training_after"] is not training:
            raise CheckFailure("after evaluate() the model must be back in the mode it was in before")


def reference_fit(w, train, val, lr, max_epochs, patience):
    model = probes.make_model(w)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    best, best_epoch, best_state, bad, history = -1.0, 0, None, 0, []
    for ep in range(1, max_epochs + 1):
        model.train()
        for x, y in train:
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = sum(int((model(x).argmax(1) == y).sum()) for x, y in val) / sum(len(y) for _, y in val)
        history.append(acc)
        if acc > best:
            best, best_epoch, best_state, bad = acc, ep, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                break
    return {"best_epoch": best_epoch, "best_accuracy": best, "history": history}, best_state


def fit_case(learner, rng, device, patience, max_epochs=25, spread=1.2):
    w = weights(rng, device)
    centres = torch.randn(C, D, generator=rng, dtype=torch.float64) * spread
    (xt, yt), (xv, yv) = blobs(rng, 120, device, centres), blobs(rng, 60, device, centres)
    train, val = split(xt, yt, 32), split(xv, yv, 32)
    got = learner.probe("fit_run", w, train, val, 0.02, max_epochs, patience)
    return got, reference_fit(w, train, val, 0.02, max_epochs, patience)


def check_fit(got, want):
    ret, (ref, ref_state) = got["returned"], want
    if not isinstance(ret, dict) or not {"best_epoch", "best_accuracy", "history"} <= set(ret):
        raise CheckFailure("fit() must return a dict with best_epoch, best_accuracy and history")
    if ret["history"] != ref["history"] and not (isinstance(ret["history"], list) and len(ret["history"]) ==
                                                 len(ref["history"]) and all(math.isclose(a, b, rel_tol=1e-9)
                                                 for a, b in zip(ret["history"], ref["history"]))):
        raise CheckFailure("fit()'s history of validation accuracies (one per epoch run) is not right")
    if ret["best_epoch"] != ref["best_epoch"]:
        raise CheckFailure("fit()'s best_epoch is not right: the first epoch with the highest validation accuracy")
    expect_float(ret["best_accuracy"], ref["best_accuracy"], "fit()'s best_accuracy")
    for k, v in ref_state.items():
        expect_close(got["state"][k], v, rtol=1e-7, atol=1e-9, what=f"the model's {k} after fit() (the best epoch's)")


def test_fit_learns_and_restores_the_best_weights(learner, device, rng):
    """On separable blobs fit() reaches 95% validation accuracy and leaves the model with its best epoch's weights."""
    got, want = fit_case(learner, rng, device, patience=4, spread=2.5)
    check_fit(got, want)
    if not got["returned"]["best_accuracy"] >= 0.95:
        raise CheckFailure("fit() should reach 95% validation accuracy on well separated blobs")


def test_fit_stops_early(learner, device, rng):
    """fit() stops after `patience` epochs without a strictly better validation accuracy."""
    for patience in (1, 3):
        got, want = fit_case(learner, rng, device, patience=patience, max_epochs=30)
        check_fit(got, want)
