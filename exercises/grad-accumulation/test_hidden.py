"""Hidden graders for grad-accumulation: random data and seeds per run, compared with full-batch references computed
in the judge; the micro-batching itself is measured from outside the worker (its memory peak)."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)
# The wide model: Linear(3, 1024) -> Tanh -> Tanh -> Linear(1024, 2) in float64. One (4096, 1024) activation is
# 32 MB: the full batch at once peaks near 130 MB, one backward after all the micro-batches near 70 MB (every
# micro-batch's graph alive until then), micro-batches of 256 one at a time near 10 MB. The limit sits far from all
# three (allocator noise is a few MB).
WIDE_N, WIDE_H, WIDE_MICRO = 4096, 1024, 256
WIDE_PEAK_LIMIT = 40 * 2**20
# the same 4096 samples in just two micro-batches of 2048 (or one group of two): one micro-batch at a time peaks near
# 65 MB, the whole batch at once near 130 MB; the limit sits between them
TWO_MICRO = 2048
TWO_PEAK_LIMIT = 100 * 2**20
# micro_batch_size is a size, not a count: with micro-batches of 2, x.chunk(2) would run two halves of 2048 samples
# (near 65 MB), while micro-batches of at most 2 samples stay near nothing; WIDE_PEAK_LIMIT sits between them
SMALL_MICRO = 2
# Each measured call runs in a fresh worker, which may hold at most ROOM when the call starts above its size before
# the submission loaded: memory taken in advance (a buffer allocated at import, freed inside the call to make room for
# the whole batch's activations) would hide them from the measurement.
ROOM = 2**20


def data(rng, device, n):
    return (torch.randn(n, 3, generator=rng, dtype=torch.float64).to(device),
            torch.randn(n, 2, generator=rng, dtype=torch.float64).to(device))


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def check_grads(got, want, what):
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure(f"accumulated_grads must return {{name: gradient}} for every parameter ({what})")
    for name, w in want.items():
        expect_close(got[name], w.detach(), rtol=1e-10, atol=1e-12, what=f"the gradient of {name} ({what})")


def value(got):
    return got.get("value") if isinstance(got, dict) else None


def test_equal_chunks(learner, device, rng):
    """Micro-batches of equal size (and of size 1) add up to the full-batch gradient; a parameter whose gradient is
    exactly zero (a saturated tanh) keeps its name in the result, with its zeros."""
    for n, size in ((8, 2), (5, 1), (6, 6), (4, 10)):
        seed, (x, y) = seed_of(rng), data(rng, device, n)
        check_grads(value(learner.probe("grads", seed, x, y, size)), probes.reference_full_batch_grads(seed, x, y),
                    f"{n} samples in micro-batches of {size}")
    seed, (x, y) = seed_of(rng), data(rng, device, 6)
    check_grads(value(learner.probe("grads", seed, x, y, 4, saturated=True)),
                probes.reference_full_batch_grads(seed, x, y, saturated=True),
                "6 samples in micro-batches of 4, a first layer saturated so that its weight and bias get gradients "
                "of exact zeros: every parameter's name is in the result, zeros included")


def check_micro_sizes(got, size, n):
    """The model's layers were never run on more than micro_batch_size samples at once (what the learner's code fed
    them, as recorded around the call; a record that is missing or odd is left out)."""
    sizes = got.get("sizes") if isinstance(got, dict) else None
    if isinstance(sizes, list) and all(type(s) is int for s in sizes) and sizes and max(sizes) > size:
        raise CheckFailure(f"accumulated_grads ran the model on {max(sizes)} samples at once with micro_batch_size="
                           f"{size} ({n} samples): each micro-batch holds at most micro_batch_size samples "
                           "(x.split(micro_batch_size))")


def test_unequal_chunks(learner, device, rng):
    """A shorter last micro-batch is weighted by its number of samples, not by 1 / (number of micro-batches); no
    micro-batch holds more than micro_batch_size samples."""
    for n, size in ((7, 3), (10, 4), (13, 12)):
        seed, (x, y) = seed_of(rng), data(rng, device, n)
        got = learner.probe("grads", seed, x, y, size)
        check_grads(value(got), probes.reference_full_batch_grads(seed, x, y),
                    f"{n} samples in micro-batches of {size}")
        check_micro_sizes(got, size, n)


def test_stale_gradients_cleared(learner, device, rng):
    """Gradients already in .grad do not count, and afterwards .grad holds the full-batch gradient: for random stale
    gradients, and for stale gradients of magnitude 1e12 holding inf, -inf and nan (after a diverged step), which
    must be dropped or zeroed, not cancelled arithmetically (old + g - old, or old * 0)."""
    for stale, what in ((True, "stale gradients"), ("extreme", "stale gradients of 1e12, inf and nan")):
        seed, (x, y) = seed_of(rng), data(rng, device, 7)
        got = learner.probe("grads", seed, x, y, 3, stale=stale)
        want = probes.reference_full_batch_grads(seed, x, y)
        check_grads(value(got), want, f"with {what} in .grad before the call: set .grad to None or zero it")
        check_grads(got.get("left"), want, f"what is left in .grad, {what} in .grad before the call")


def test_runs_one_micro_batch_at_a_time(learner, rng):
    """accumulated_grads holds one micro-batch's activations at a time (one backward per micro-batch): its memory peak
    on 4096 samples of a wide model stays far below what the full batch at once needs, in 16 micro-batches, in just
    two, and in micro-batches of 2 samples (micro_batch_size is a size, not a count of micro-batches). Each is measured in a fresh worker that may hold at most 1 MiB more than before your code was loaded: memory
    taken in advance (a buffer allocated at import and freed inside the call) would hide what the call holds."""
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("wide_grads", seed, WIDE_N, WIDE_H, WIDE_MICRO)
    model = probes.wide_model(seed, WIDE_H)
    x, y = probes.wide_data(seed, WIDE_N)
    names = [n for n, _ in model.named_parameters()]
    want = dict(zip(names, torch.autograd.grad(torch.nn.functional.mse_loss(model(x), y), list(model.parameters()))))
    check_grads(got, want, "4096 samples in micro-batches of 256, a wide model")
    if m.peak_growth > WIDE_PEAK_LIMIT:
        raise CheckFailure(f"accumulated_grads ran more than one micro-batch at a time: on 4096 samples in "
                           f"micro-batches of 256 the worker's memory rose by {m.peak_growth / 2**20:.0f} MB, about what "
                           "the whole batch at once needs (forward and backward each micro-batch in turn)")
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("wide_grads", seed, WIDE_N, WIDE_H, TWO_MICRO)
    model = probes.wide_model(seed, WIDE_H)
    x, y = probes.wide_data(seed, WIDE_N)
    want = dict(zip(names, torch.autograd.grad(torch.nn.functional.mse_loss(model(x), y), list(model.parameters()))))
    check_grads(got, want, "4096 samples in two micro-batches of 2048, a wide model")
    if m.peak_growth > TWO_PEAK_LIMIT:
        raise CheckFailure(f"accumulated_grads ran more than one micro-batch at a time: on 4096 samples in two "
                           f"micro-batches of 2048 the worker's memory rose by {m.peak_growth / 2**20:.0f} MB, about "
                           "what the whole batch at once needs (split even when there are only two micro-batches)")
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("wide_grads", seed, WIDE_N, WIDE_H, SMALL_MICRO)
    model = probes.wide_model(seed, WIDE_H)
    x, y = probes.wide_data(seed, WIDE_N)
    want = dict(zip(names, torch.autograd.grad(torch.nn.functional.mse_loss(model(x), y), list(model.parameters()))))
    check_grads(got, want, "4096 samples in micro-batches of 2, a wide model")
    if m.peak_growth > WIDE_PEAK_LIMIT:
        raise CheckFailure(f"accumulated_grads ran micro-batches larger than micro_batch_size: on 4096 samples with "
                           f"micro_batch_size=2 the worker's memory rose by {m.peak_growth / 2**20:.0f} MB, what "
                           "micro-batches of about 2048 samples need. micro_batch_size is the number of samples per "
                           "micro-batch (x.split(micro_batch_size)), not the number of micro-batches (x.chunk(n))")


def expect_params(got, want, what):
    params = kit.expect_tensors(got, len(want), what=f"the parameters after training ({what})")
    for i, (a, b) in enumerate(zip(params, want)):
        expect_close(a, b, rtol=1e-9, atol=1e-11, what=f"parameter {i} after training ({what}; each step's gradient "
                     "is that of the group's MSE as one batch: gradients zeroed once before the group's first "
                     "micro-batch, never between its micro-batches, each micro-batch's loss weighted by its share of "
                     "the group's samples, one optimizer step per group)")


def batches_of(rng, device, sizes):
    return [data(rng, device, s) for s in sizes]


def check_training(learner, rng, device, sizes, accum, kind="sgd", stale=False):
    seed = seed_of(rng)
    batches = batches_of(rng, device, sizes)
    got = learner.probe("train", seed, batches, accum, kind, stale)
    want = probes.reference_train(seed, batches, accum, kind)
    what = f"{len(sizes)} micro-batches, accum_steps {accum}, {kind}" + (
        ", stale .grad of 1e12, inf and nan before: drop or zero it" if stale == "extreme"
        else ", stale .grad before" if stale else "")
    if not isinstance(got, dict) or type(got.get("steps")) is not int or got["steps"] != want["steps"]:
        raise CheckFailure(f"train_accumulated must take (and return, as an int) one optimizer step per group of "
                           f"accum_steps micro-batches, a last shorter group included ({what})")
    expect_params(got.get("params"), want["params"], what)


def test_training_matches_large_batches(learner, device, rng):
    """Training with accumulation equals training on each group concatenated into one batch, with stale gradients
    (random, or of 1e12 with inf and nan) in .grad before training."""
    check_training(learner, rng, device, [4, 4, 4, 4, 4, 4], 3)
    check_training(learner, rng, device, [2, 2, 2, 2], 1)
    check_training(learner, rng, device, [3, 3, 3], 5)  # one group, shorter than accum_steps
    check_training(learner, rng, device, [4, 4, 4, 4], 2, stale=True)
    check_training(learner, rng, device, [3, 2, 3], 2, stale="extreme")


def test_training_with_momentum_and_unequal_groups(learner, device, rng):
    """With momentum (state carried across steps), unequal micro-batches and a shorter last group."""
    check_training(learner, rng, device, [4, 2, 3, 4, 1], 2, kind="momentum")
    check_training(learner, rng, device, [1, 5, 2, 2, 3, 1, 4], 3, kind="momentum")


def test_training_runs_one_micro_batch_at_a_time(learner, rng):
    """train_accumulated runs the model on one micro-batch at a time: its memory peak on groups of 16 micro-batches
    of 256 samples, and on a group of just two micro-batches of 2048, stays far below what a whole group at once
    needs. Each is measured in a fresh worker that may hold at most 1 MiB more than before your code was loaded:
    memory taken in advance (a buffer allocated at import and freed inside the call) would hide what the call holds."""
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("wide_train", seed, WIDE_N, WIDE_H, WIDE_MICRO, 16)
    x, y = probes.wide_data(seed, WIDE_N)
    want = probes.reference_train(seed, list(zip(x.split(WIDE_MICRO), y.split(WIDE_MICRO))), 16,
                                  make=lambda: probes.wide_model(seed, WIDE_H))
    if not isinstance(got, dict) or got.get("steps") != want["steps"]:
        raise CheckFailure("train_accumulated should take one step for the 16 micro-batches of the wide model")
    expect_params(got.get("params"), want["params"], "the wide model, 16 micro-batches of 256")
    if m.peak_growth > WIDE_PEAK_LIMIT:
        raise CheckFailure(f"train_accumulated ran a whole group at once: on 16 micro-batches of 256 samples the "
                           f"worker's memory rose by {m.peak_growth / 2**20:.0f} MB, about what the group as one batch "
                           "needs (forward and backward each micro-batch in turn)")
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("wide_train", seed, WIDE_N, WIDE_H, TWO_MICRO, 2)
    x, y = probes.wide_data(seed, WIDE_N)
    want = probes.reference_train(seed, list(zip(x.split(TWO_MICRO), y.split(TWO_MICRO))), 2,
                                  make=lambda: probes.wide_model(seed, WIDE_H))
    if not isinstance(got, dict) or got.get("steps") != want["steps"]:
        raise CheckFailure("train_accumulated should take one step for the 2 micro-batches of the wide model")
    expect_params(got.get("params"), want["params"], "the wide model, 2 micro-batches of 2048")
    if m.peak_growth > TWO_PEAK_LIMIT:
        raise CheckFailure(f"train_accumulated ran a whole group at once: on a group of two micro-batches of 2048 "
                           f"samples the worker's memory rose by {m.peak_growth / 2**20:.0f} MB, about what the group "
                           "as one batch needs (run each micro-batch in turn, even in a group of two)")
