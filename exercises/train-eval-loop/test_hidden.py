"""Hidden graders for train-eval-loop: random data and weights (plus fixed cases), every reference computed in the
judge by replaying the loop itself on the same model (probes.py loaded here); evaluation's graph-free forward is
measured from outside the worker."""

import copy
import math

import torch
import torch.nn.functional as F

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)
D, H, C = 8, 16, 3
# evaluate() on the wide model: one (4096, 1024) float32 activation is 16 MB. Under no_grad the forward holds about
# two of them at a time (~32 MB at its peak); recording a graph keeps the BatchNorm input and every Tanh output
# (~112 MB). The limit sits between the two, far from both (allocator noise is a few MB).
WIDE = dict(n=4096, d=8, h=1024, c=3, depth=6, batch=4096)
WIDE_PEAK_LIMIT = 72 * 2**20
# The wide evaluation is measured in a fresh worker (learner.fresh) that may hold at most this much more, when the
# call starts, than before the submission was loaded: memory taken in advance (a balloon allocated at import and
# freed inside evaluate()) would otherwise make room for the graph without the worker growing.
ROOM = 2**20


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


def expect_number(actual, expected, what, rel=1e-9):
    value = kit.expect_float(actual, what=what)
    if not math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12):
        raise CheckFailure(f"{what} is not right")


def reference_epoch(w, data, lr, momentum):
    """The epoch as it should run, in the judge: the gradient each step sees, the mean loss, the state afterwards."""
    model = probes.make_model(w).train()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    grads, total = [], 0.0
    for x, y in data:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        grads.append([p.grad.detach().clone() for p in model.parameters()])
        total += loss.item() * len(x)
        opt.step()
    return grads, total / sum(len(x) for x, _ in data), probes.state(model)


def epoch(learner, rng, device, momentum=0.9, stale=False, one_shot=False, mixed=False):
    w = weights(rng, device)
    centres = torch.randn(C, D, generator=rng, dtype=torch.float64) * 2
    x, y = blobs(rng, 75, device, centres)
    data = split(x, y, 16)  # 4 batches of 16 and a short one of 11
    got = learner.probe("epoch_trace", w, data, 0.05, momentum, stale, one_shot, mixed)
    if not isinstance(got, dict) or not isinstance(got.get("grads"), list) or not isinstance(got.get("state"), dict):
        raise CheckFailure("train_one_epoch could not be run on " + ("a generator of" if one_shot else "a list of")
                           + " batches")
    return got, reference_epoch(w, data, 0.05, momentum), len(data)


def expect_steps(got, n_batches):
    if len(got["grads"]) != n_batches:
        raise CheckFailure(f"train_one_epoch must take one optimizer step per batch, the short last batch included "
                           f"({n_batches} batches, {len(got['grads'])} steps)")


def expect_state(got_state, want_state, what, rtol=1e-9, atol=1e-12):
    kit.expect_state_dict(got_state, want_state, what=what, rtol=rtol, atol=atol)


def test_one_step_per_batch(learner, device, rng):
    """train_one_epoch takes one optimizer step per batch, the short last one included: the weights end where that
    puts them."""
    got, (_, _, want_state), n = epoch(learner, rng, device)
    expect_steps(got, n)
    expect_state(got["state"], want_state, "the model's state_dict after the epoch")


def test_each_step_uses_the_fresh_batch_gradient(learner, device, rng):
    """At every optimizer.step() the .grad of each parameter is exactly that batch's gradient (zero_grad, then
    backward), also when .grad held gradients from earlier work before the epoch."""
    for momentum, stale in ((0.0, False), (0.9, False), (0.9, True)):
        got, (grads, _, _), n = epoch(learner, rng, device, momentum, stale)
        expect_steps(got, n)
        where = " (.grad held stale gradients before the epoch)" if stale else ""
        for k, (seen, want) in enumerate(zip(got["grads"], grads), start=1):
            if not isinstance(seen, list) or len(seen) != len(want):
                raise CheckFailure("the optimizer was handed an unexpected set of gradients")
            for i, (a, b) in enumerate(zip(seen, want)):
                if a is None:
                    raise CheckFailure(f"at step {k} a parameter has no gradient: backward() must come before step()")
                expect_close(a, b, rtol=1e-9, atol=1e-12,
                             what=f"the gradient of parameter {i} when optimizer.step() is called for batch {k}{where}")


def test_training_mode_during_training(learner, device, rng):
    """train_one_epoch puts the model in training mode (it was handed over in eval mode, and once with only its top
    flag saying training while its BatchNorm is in eval mode): BatchNorm normalises with batch statistics and updates
    its running statistics."""
    for mixed in (False, True):
        got, (_, _, want_state), n = epoch(learner, rng, device, mixed=mixed)
        where = " (handed over with model.training True but its BatchNorm in eval mode: model.train() sets every " \
                "submodule)" if mixed else ""
        for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
            if key not in got["state"]:
                raise CheckFailure(f"the model's state_dict lost {key}")
        expect_close(got["state"]["1.num_batches_tracked"], want_state["1.num_batches_tracked"], rtol=0, atol=0,
                     what="BatchNorm's num_batches_tracked after the epoch (one per training-mode forward)" + where)
        for key in ("1.running_mean", "1.running_var"):
            expect_close(got["state"][key], want_state[key], rtol=1e-9, atol=1e-12,
                         what=f"BatchNorm's {key.split('.')[1]} after the epoch (training mode updates it){where}")


def test_returns_sample_weighted_mean_loss(learner, device, rng):
    """The returned epoch loss is a Python float: the mean over all samples, so the short last batch weighs less;
    also when the loader is a one-shot iterable (a generator), which only a single pass over the batches sees whole."""
    got, (_, mean_loss, _), n = epoch(learner, rng, device)
    expect_steps(got, n)
    expect_number(got["returned"], mean_loss, "the returned epoch loss")
    got, (_, mean_loss, want_state), n = epoch(learner, rng, device, one_shot=True)
    what = " (the loader is a generator: it can be iterated only once, so count the samples in the same pass)"
    if len(got["grads"]) != n:
        raise CheckFailure("train_one_epoch must take one optimizer step per batch" + what)
    expect_number(got["returned"], mean_loss, "the returned epoch loss" + what)
    expect_state(got["state"], want_state, "the model's state_dict after the epoch" + what)


def eval_case(learner, rng, device, training, one_shot=False):
    w = weights(rng, device)
    x, y = blobs(rng, 57, device, torch.randn(C, D, generator=rng, dtype=torch.float64))
    data = [(x[:50], y[:50]), (x[50:], y[50:])]
    got = learner.probe("eval_trace", w, data, training, one_shot)
    if not isinstance(got, dict) or not isinstance(got.get("state"), dict):
        raise CheckFailure("evaluate() could not be run on a list of batches")
    return w, data, got


def test_evaluate_counts_every_sample(learner, device, rng):
    """evaluate() returns correct / total over every sample (not the mean of per-batch accuracies), as a float, also
    when the loader is a one-shot iterable (a generator: a second pass over it is empty), and with the argmax over
    dimension 1 for (N, C, 1) logits."""
    for training, one_shot in ((False, False), (True, False), (True, True)):
        w, data, got = eval_case(learner, rng, device, training, one_shot=one_shot)
        model = probes.make_model(w).eval()
        with torch.no_grad():
            correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in data)
        where = (" from a generator of batches: it can be iterated only once, so count correct and total in the same "
                 "pass") if one_shot else ""
        expect_number(got["returned"], correct / 57, "the accuracy (batches of 50 and 7)" + where, rel=1e-6)
    w, data, _ = eval_case(learner, rng, device, False)
    got = learner.probe("eval_trace", w, data, False, False, True)
    model = probes.make_model(w).eval()
    with torch.no_grad():
        correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in data)
    expect_number(got.get("returned") if isinstance(got, dict) else got, correct / 57,
                  "the accuracy of a model whose logits are (N, C, 1) with labels (N, 1): the prediction is the "
                  "argmax over dimension 1", rel=1e-6)
    seed = int(torch.randint(0, 10_000, (), generator=rng))
    got = learner.probe("eval_wide", seed, 300, 8, 32, 3, 1, 128)  # batches of 128, 128 and 44
    model = probes.make_wide_model(seed, 8, 32, 3, 1).eval()
    with torch.no_grad():
        correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in probes.wide_data(seed, 300, 8, 3, 128))
    expect_number(got, correct / 300, "the accuracy (float32 model, batches of 128, 128 and 44)", rel=1e-6)


def test_evaluate_in_eval_mode_without_grad(learner, device, rng):
    """evaluate() runs the model in eval mode under no_grad: BatchNorm's running statistics stay, .grad is untouched,
    and no graph is recorded (the worker's memory peak during a wide forward is measured from outside, in a fresh
    worker that may hold at most 1 MiB more than before the submission was loaded: memory taken in advance, such as
    a buffer allocated at import and freed inside evaluate() to make room for the graph, would hide it)."""
    w, _, got = eval_case(learner, rng, device, True)
    for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        expect_close(got["state"].get(key), w[key], rtol=0, atol=0,
                     what=f"BatchNorm's {key.split('.', 1)[1]} after evaluate() (eval mode leaves it alone)")
    grads = got.get("grads")
    shapes = [p.shape for p in probes.make_model(w).parameters()]
    if not isinstance(grads, list) or len(grads) != len(shapes) or any(g is None for g in grads):
        raise CheckFailure("evaluate() must leave the parameters' .grad alone (it cleared them)")
    for i, (g, shape) in enumerate(zip(grads, shapes)):
        expect_close(g, torch.full(tuple(shape), 0.5, dtype=torch.float64, device=device), rtol=0, atol=0,
                     what=f"parameter {i}'s .grad after evaluate() (no backward, no zero_grad)")
    # drawn from 2**31 (each answer is one float: with 10_000 seeds only the cost of a wide forward per seed kept a
    # table of answers made at import out of reach)
    seed = int(torch.randint(0, 2**31 - 2, (), generator=rng))
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        value = clean.probe("eval_wide", seed, *WIDE.values())
    model = probes.make_wide_model(seed, WIDE["d"], WIDE["h"], WIDE["c"], WIDE["depth"]).eval()
    (x, y), = probes.wide_data(seed, WIDE["n"], WIDE["d"], WIDE["c"], WIDE["batch"])
    with torch.no_grad():
        want = int((model(x).argmax(1) == y).sum()) / WIDE["n"]
    expect_number(value, want, "the accuracy of the wide model", rel=1e-6)
    if m.peak_growth > WIDE_PEAK_LIMIT:
        raise CheckFailure("evaluate() records a graph: during a forward of 4096 samples through a wide model the "
                           f"worker's memory rose by {m.peak_growth / 2**20:.0f} MB, the size of every activation kept "
                           "for a backward that never comes (run the forward under torch.no_grad())")


def test_evaluate_restores_the_mode(learner, device, rng):
    """evaluate() leaves the model, and every one of its submodules (BatchNorm, Dropout), in the mode it found it in
    (training stays training, eval stays eval), and leaves gradient recording on for the training that follows."""
    for training in (True, False):
        _, _, got = eval_case(learner, rng, device, training)
        if got.get("training_after") is not training:
            raise CheckFailure("after evaluate() the model must be back in the mode it was in before")
        if got.get("modes_after") != [training] * 5:
            raise CheckFailure("after evaluate() the model's submodules (BatchNorm, Dropout, ...) must be back in the "
                               "mode they were in before too: setting model.training alone leaves them as eval() set "
                               "them; model.train(flag) sets the model and every submodule")
        if got.get("grad_mode_after") is not True:
            raise CheckFailure("after evaluate() gradient recording must be on again: use torch.no_grad() as a "
                               "context manager, not torch.set_grad_enabled(False)")


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
    train, val = split(xt, yt, 32), split(xv, yv, 32)  # batches of 32, 32, 32, 24 and of 32, 28
    got = learner.probe("fit_run", w, train, val, 0.02, max_epochs, patience)
    return got, reference_fit(w, train, val, 0.02, max_epochs, patience)


def check_fit(got, want, where=""):
    ref, ref_state = want
    ret = got.get("returned") if isinstance(got, dict) else None
    if not isinstance(ret, dict) or not {"best_epoch", "best_accuracy", "history"} <= set(ret):
        raise CheckFailure("fit() must return a dict with best_epoch, best_accuracy and history")
    history = ret["history"]
    if not isinstance(history, list) or len(history) != len(ref["history"]):
        # why: a run that stops too early most often compares against a best accuracy kept from an earlier fit()
        early = isinstance(history, list) and len(history) < len(ref["history"])
        raise CheckFailure("fit()'s history must hold one validation accuracy per epoch run (stopping after "
                           "`patience` epochs in a row that are not strictly better)" +
                           ("; this run stopped too early: check the patience count, and that each fit() call "
                            "starts with no best accuracy of its own (nothing kept from an earlier call)" if early else
                            ""))
    for k, (a, b) in enumerate(zip(history, ref["history"]), start=1):
        expect_number(a, b, f"fit()'s history entry for epoch {k} (each epoch's own validation accuracy, in the "
                            "order the epochs ran: not the best accuracy so far)", rel=1e-6)
    if type(ret["best_epoch"]) is not int or ret["best_epoch"] != ref["best_epoch"]:
        raise CheckFailure("fit()'s best_epoch is not right: the first epoch (counted from 1) with the highest "
                           "validation accuracy, as an int")
    expect_number(ret["best_accuracy"], ref["best_accuracy"], "fit()'s best_accuracy", rel=1e-6)
    # Adam over many epochs amplifies the last-bit differences of reductions run with other thread counts
    expect_state(got.get("state"), ref_state, "the model's state_dict after fit() (the best epoch's, every tensor)"
                 + where, rtol=1e-7, atol=1e-9)


def never_right_case(learner, rng, device, max_epochs, patience):
    """A model that predicts class 0 everywhere, trained towards class 0 and judged on class 2: every epoch's accuracy
    is 0.0, so the first epoch is the best one and every later epoch is not better."""
    w = weights(rng, device)
    w["3.bias"] = torch.tensor([6.0, 0.0, -6.0], dtype=torch.float64, device=device)  # predicts class 0 everywhere
    centres = torch.randn(C, D, generator=rng, dtype=torch.float64) * 0.3
    (xt, _), (xv, _) = blobs(rng, 64, device, centres), blobs(rng, 40, device, centres)
    train = split(xt, torch.zeros(64, dtype=torch.long, device=device), 32)  # trained towards class 0...
    val = split(xv, torch.full((40,), 2, dtype=torch.long, device=device), 32)  # ...judged on class 2
    got = learner.probe("fit_run", w, train, val, 0.02, max_epochs, patience)
    return got, reference_fit(w, train, val, 0.02, max_epochs, patience)


def test_fit_learns_and_restores_the_best_weights(learner, device, rng):
    """On separated blobs fit() learns as the reference loop does and leaves the model with its best epoch's weights,
    also when the run ends at max_epochs (not stopped by patience) after its best epoch."""
    got, want = fit_case(learner, rng, device, patience=4, spread=3.0)
    check_fit(got, want)
    # a fixed case whose best epoch is not the last one: the weights must be restored, not left as trained
    got, want = fit_case(learner, torch.Generator().manual_seed(3), device, patience=2, max_epochs=20)
    check_fit(got, want)
    # max_epochs ends the run (patience is never reached) and the best epoch is the first: restore it all the same
    got, want = never_right_case(learner, rng, device, max_epochs=4, patience=10)
    check_fit(got, want, " (the run ended at max_epochs, after its best epoch: restore the best weights whichever way "
                         "the run ends)")


def test_fit_stops_early(learner, device, rng):
    """fit() stops after `patience` epochs in a row without a strictly better validation accuracy."""
    got, want = fit_case(learner, rng, device, patience=1, max_epochs=30)
    check_fit(got, want)
    got, want = fit_case(learner, torch.Generator().manual_seed(5), device, patience=2, max_epochs=30)
    check_fit(got, want)
    # a fixed case whose validation accuracy falls below the best more than once before the run stops (on the CPU,
    # in samples of 60: 5, 33, 46, 51, 52, 51, 53, 52, 51, 53): a history of the best accuracy so far differs from it
    got, want = fit_case(learner, torch.Generator().manual_seed(17), device, patience=3, max_epochs=30)
    check_fit(got, want)
    got, want = fit_case(learner, rng, device, patience=10, max_epochs=3)  # stopped by max_epochs, not patience
    check_fit(got, want)


def test_fit_first_epoch_is_the_first_best(learner, device, rng):
    """The first epoch is the best so far whatever its accuracy, 0.0 included: a model that never gets a validation
    sample right still ends with its first epoch's weights, best_epoch 1 and best_accuracy 0.0."""
    got, want = never_right_case(learner, rng, device, max_epochs=6, patience=2)
    check_fit(got, want)
