"""Hidden graders for fix-checkpoint-inference: inference outputs, exact resume with Adam, accuracy (value, the mode and
state afterwards, no graph recorded: the worker's memory read from outside). References are computed in the judge."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
# The fraction as a float32 mean rounds it (`(pred == y).float().mean().item()`, a right way): 1e-6 is far below one
# sample of those counted (a few dozen here, 16384 a batch in the measured case), so a miscount still fails.
ACCURACY_TOL = 1e-6
MB = 2**20


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def expect_state(got, want, what):
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure(f"{what} does not have the right state_dict entries")
    for key, w in want.items():
        expect_close(got[key], w, what=f"{what}[{key!r}]", rtol=1e-6, atol=1e-7)


def test_inference_outputs(learner, device, rng):
    """The model passed in gets every saved tensor (buffers included), is returned, and gives the trained model's
    eval-mode outputs, twice the same."""
    seed = seed_of(rng)
    got = learner.probe("inference", seed, str(device))
    want = P.reference_inference(seed, str(device))
    if not got["is_module"]:
        raise CheckFailure("load_for_inference must return the model (an nn.Module)")
    expect_state(got["state"], want["state"], "the loaded model's state_dict()")
    for out in got["outs"]:
        expect_close(out, want["out"], what="the loaded model's output (every submodule in eval mode)")
    expect_close(got["given_out"], want["out"], what="the output of the model passed to load_for_inference "
                 "(load into it and return it)")


def test_resume_is_exact(learner, device, rng):
    """Saving after 3 Adam steps (and a learning-rate change) and resuming into a fresh model and optimizer gives the
    losses and weights of the uninterrupted run, and the saved epoch (0 included), also when the loop that continues
    does not call model.train() again (resume must leave the model training, not switched to eval mode), and when
    the saved model and optimizer went on training after the checkpoint was written."""
    for seed, epoch, lr, sets_mode in ((seed_of(rng), int(torch.randint(1, 100, (1,), generator=rng)), 0.003, True),
                                       (seed_of(rng), 0, 0.02, True), (seed_of(rng), 5, 0.01, False)):
        got = learner.probe("resume", seed, epoch, lr, str(device), sets_mode)
        want = P.reference_resume(seed, lr, str(device))
        if type(got["epoch"]) is not int or got["epoch"] != epoch:
            raise CheckFailure("resume must return the epoch (an int) stored by save_checkpoint in the file it is given")
        losses = got["losses"]
        if not (isinstance(losses, list) and len(losses) == 3
                and all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7) for a, b in zip(losses, want["losses"]))):
            if not sets_mode:
                raise CheckFailure("training resumed from the checkpoint does not continue like the uninterrupted run "
                                   "when the loop does not call model.train() itself: resume must leave the model in "
                                   "training mode (Dropout and BatchNorm training), not switch it to eval mode")
            raise CheckFailure("training resumed from the checkpoint does not continue like the uninterrupted run: "
                               "restore the whole optimizer state (moments, step counts, learning rate) from the file, "
                               "as it was when it was saved (the saved model and optimizer went on training after "
                               "save_checkpoint: read the file, not objects kept in memory that still follow them)")
        where = "" if sets_mode else " (by a loop that does not call model.train(): resume must not switch to eval)"
        expect_state(got["state"], want["state"], "the resumed model after 3 more steps" + where)


def test_accuracy(learner, device, rng):
    """accuracy is the fraction (a float in [0, 1]) of arg-max hits in eval mode over batches of unequal sizes, whether
    the model came in train or eval mode; also for (N, C, 1) logits (arg-max over dimension 1) of a model holding a
    module, neither Dropout nor BatchNorm, that behaves differently in training mode (every submodule in eval mode)."""
    for start_training in (True, False):
        seed = seed_of(rng)
        got = learner.probe("accuracy", seed, start_training, str(device))
        want = P.reference_accuracy(seed, start_training, str(device))
        if type(got["value"]) is not float:
            raise CheckFailure("accuracy must return a Python float")
        if abs(got["value"] - want["value"]) > ACCURACY_TOL:
            raise CheckFailure("accuracy must be the fraction (0 to 1) of correct arg-max predictions over all samples, "
                               "in eval mode")
    for _ in range(50):  # redrawn until a module left in training mode would change the count: never seed-dependent
        seed = seed_of(rng)
        want = P.reference_accuracy(seed, False, str(device))["value"]
        if P.reference_accuracy_shifted(seed, str(device)) != want:
            break
    else:
        raise AssertionError("prep could not draw a separating model")  # the grader's bug, never the learner's
    got = learner.probe("accuracy", seed, True, str(device), True)
    if type(got.get("value")) is not float or abs(got["value"] - want) > ACCURACY_TOL:
        raise CheckFailure("accuracy of a model whose logits are (N, C, 1) (labels (N, 1)) and which holds a module "
                           "that is neither Dropout nor BatchNorm but behaves differently in training mode: the "
                           "prediction is the arg-max over dimension 1, and every submodule must be in eval mode "
                           "(model.eval())")
    # labels (N, 2): counting samples by labels.size(0) (the seed's total) instead of every entry of labels gives a
    # "fraction" up to 2, while (N, 1) labels cannot tell the two apart; an arg-max hits column 0 or 1, never both
    seed = seed_of(rng)
    got = learner.probe("accuracy", seed, False, str(device), True, 2)
    want = P.reference_accuracy_columns(seed, 2, str(device))
    if type(got.get("value")) is not float or abs(got["value"] - want) > ACCURACY_TOL:
        raise CheckFailure("accuracy of a model whose logits are (N, C, 2) with labels (N, 2) (two labels per sample) "
                           "must compare entry by entry and divide by the number of entries compared (labels.numel(), "
                           "not labels.size(0)): the fraction lies in [0, 1]")


def test_accuracy_keeps_mode_and_state(learner, device, rng):
    """After accuracy the model is in the mode it came in (train or eval) and its state (BatchNorm's running statistics,
    the gradients its parameters held, and which parameters require grad) is unchanged; called inside a caller's
    torch.no_grad() block (as an evaluation loop calls it), grad mode is still off when it returns."""
    for start_training in (True, False):
        seed = seed_of(rng)
        got = learner.probe("accuracy", seed, start_training, str(device))
        want = P.reference_accuracy(seed, start_training, str(device))
        expect_state(got["state"], want["state"], "the model's state after accuracy (it must evaluate in eval mode)")
        before, after = got.get("grads_before"), got.get("grads_after")
        if not isinstance(after, list) or len(after) != len(before) or any(
                (a is None) != (b is None) or (b is not None and not torch.equal(a, b)) for a, b in zip(after, before)):
            raise CheckFailure("accuracy changed the gradients held in the parameters' .grad: it only evaluates, so "
                               "leave .grad alone (no zero_grad, no backward)")
        # which parameters require grad is the model's state too: switching it off to avoid recording a graph (and
        # not switching it back) leaves a model that no longer trains; the judge's own model says what it must be
        if got.get("requires_grad") != want["requires_grad"]:
            raise CheckFailure("after accuracy, some parameters no longer require grad (or now do): the model must "
                               "leave accuracy as it came in, so do not switch requires_grad off to avoid the graph; "
                               "torch.no_grad() records none and changes nothing in the model")
        mode = "train" if start_training else "eval"
        expect_close(got["after"], want["after"], what=f"a forward pass after accuracy on a model that came in {mode} "
                     f"mode (it must be left in {mode} mode)")
    if learner.probe("accuracy_grad_mode_after_no_grad", seed_of(rng), str(device)) is not False:
        raise CheckFailure("accuracy, called inside a caller's torch.no_grad() block, left gradient recording on after "
                           "it: the caller's no_grad no longer holds for the code after the call",
                           "switch recording off only inside a with block (with torch.no_grad():), never with "
                           "torch.set_grad_enabled(...) left behind: leave torch's settings as you found them")


# What the worker may hold when the measured call starts, above its size before the submission loaded and the model
# and batches the probe built for it (the judge's own count of their bytes): right files start 240 KiB below it
ROOM = MB


def test_accuracy_records_no_graph(learner, rng):
    """accuracy records no graph: on a model whose training forward saves about 13 activations of 4 MB, the worker's
    peak memory (read from outside) stays at what an inference forward needs. It is measured in a fresh worker, where
    accuracy may start with at most 1 MiB more than the worker held before the submission loaded, besides the model and
    the batches: memory taken in advance (a buffer allocated at import, freed inside the call) would hide the graph."""
    seed = seed_of(rng)
    # the model's seed goes only with the measured request, drawn per run from 2**31: a model built in the unmeasured
    # prepare_big let accuracy's answer be computed there, graph and all, and handed back by the measured call (9/9)
    model_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
    built = sum(t.numel() * t.element_size() for batch in P.big_batches(seed) for t in batch)
    # a fresh worker, warmed up by prep's code (an inference forward at this size) before the submission loads
    with learner.fresh(warm="warm_up") as clean:
        clean.probe("prepare_big", seed, model_later=True)
        with clean.measure(room=built + ROOM) as m:
            value = clean.probe("big_accuracy", model_seed)
    if type(value) is not float or abs(value - P.reference_big_accuracy(seed, model_seed)) > ACCURACY_TOL:
        raise CheckFailure("accuracy is not right on a larger model (batches of 16384 samples, 10 classes)")
    if m.peak_growth > 8 * 4 * MB:
        raise CheckFailure("while accuracy ran, the worker's memory rose as if a graph were recorded "
                           f"({m.peak_growth / MB:.0f} MB at the peak, where an inference forward needs about 16 MB)")
