"""Hidden graders for data-eval-loop: random images, labels, seeds and models (plus fixed separating cases), every
reference computed here, in the judge: torch's own DataLoader over a reference dataset, and the evaluation and
training loops replayed on the same model (probes.py loaded on this side). Evaluation's graph-free forward is
measured from outside the worker."""

import math

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)

# A generator seeded with HALF_SEED draws exactly 0.5 as its 5th torch.rand(1) (float32 draws are multiples of
# 2**-24): "below 0.5" must not flip that item.
HALF_SEED, HALF_AT = 619920, 4

# evaluate() on the wide model: one (4096, 16, 8, 8) float32 activation is 16 MB. Under no_grad the forward holds
# about two of them at a time; recording a graph keeps the BatchNorm input and every Tanh output (~100 MB for the
# first batch alone). The limit sits between the two, far from both (allocator noise is a few MB).
WIDE = dict(width=16, hw=8, depth=6, sizes=[4096, 1000])
WIDE_PEAK_LIMIT = 72 * 2**20
KEPT_LIMIT = 32 * 2**20
# The wide evaluation is measured in a fresh worker (learner.fresh) that may hold at most this much more, when the
# call starts, than before the submission was loaded: memory taken in advance (a balloon allocated at import and
# freed inside evaluate()) would otherwise make room for the graph without the worker growing.
ROOM = 2**20


def seed_of(rng):
    return int(torch.randint(0, 2**31 - 1, (), generator=rng))


# ---------------------------------------------------------------- the reference, in the judge


def ref_item(images, labels, mean, std, i, g):
    c = images.shape[1]
    x = (images[i] - torch.tensor(mean, dtype=torch.float32).view(c, 1, 1)) / torch.tensor(std).view(c, 1, 1)
    if g is not None and torch.rand(1, generator=g).item() < 0.5:
        x = x.flip(-1)
    return x, int(labels[i])


class RefDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        self.args, self.g, self.n = (images, labels, mean, std), generator, len(images)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return ref_item(*self.args, i, self.g)


def ref_loader(ds, batch_size, train, seed=0):
    if train:
        return DataLoader(ds, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    return DataLoader(ds, batch_size=batch_size)


def ref_evaluate(model, batches):
    model.eval()
    correct, loss, n = 0, 0.0, 0
    with torch.no_grad():
        for x, y in batches:
            out = model(x)
            correct += int((out.argmax(1) == y).sum())
            loss += float(F.cross_entropy(out, y, reduction="sum"))
            n += len(y)
    return {"accuracy": correct / n, "loss": loss / n}


def ref_train(model, batches, opt, loss_fn=F.cross_entropy):
    model.train()
    total, n = 0.0, 0
    for x, y in batches:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        total += loss.item() * len(y)
        n += len(y)
    return total / n


# ---------------------------------------------------------------- checks


def expect_number(actual, expected, what, rel):
    value = kit.expect_float(actual, what=what)
    if not math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12):
        raise CheckFailure(f"{what} is not right")


def expect_metrics(ret, want, what, rel_acc=1e-6, rel_loss=1e-9):
    if not isinstance(ret, dict) or set(ret) != {"accuracy", "loss"}:
        raise CheckFailure(f'{what} must be a dict with exactly the keys "accuracy" and "loss"',
                           f"received {summarize(ret)}")
    expect_number(ret["accuracy"], want["accuracy"], f"{what}: the accuracy", rel_acc)
    expect_number(ret["loss"], want["loss"], f"{what}: the mean loss", rel_loss)


def items_of(got, count, what):
    if not isinstance(got, dict) or not isinstance(got.get("items"), list) or len(got["items"]) != count:
        raise CheckFailure(f"{what}: reading the dataset's items failed")
    for item in got["items"]:
        if type(item) is not tuple or len(item) != 2:
            raise CheckFailure("dataset[i] must be a tuple (x, y)", f"received {summarize(item)}")
    return got["items"]


def expect_item(item, want, what):
    expect_close(item[0], want[0], rtol=1e-5, atol=1e-6, what=f"{what}: x")
    if type(item[1]) is not int:
        raise CheckFailure(f"{what}: y must be the label as a Python int (int(labels[i])), not a tensor or float",
                           f"received {summarize(item[1])}")
    if item[1] != want[1]:
        raise CheckFailure(f"{what}: y is not the item's label")


def images_and_stats(rng, n, c, h, w):
    images = torch.rand(n, c, h, w, generator=rng)
    labels = torch.randint(0, 10, (n,), generator=rng)
    mean = [round(0.2 + 0.4 * float(v), 3) for v in torch.rand(c, generator=rng)]
    std = [round(0.2 + 0.3 * float(v), 3) for v in torch.rand(c, generator=rng)]
    return images, labels, mean, std


# ---------------------------------------------------------------- the dataset


def test_dataset_normalizes_each_channel(learner, rng):
    """len(dataset) is N (an int); dataset[i] is a tuple of a new float32 (C, H, W) tensor normalized per channel with
    mean[c] and std[c] and the label as a Python int; without a generator nothing is flipped. Shapes include C == W,
    where broadcasting the statistics over the last axis runs but is wrong."""
    for n, c, h, w in ((5, 3, 4, 3), (7, 2, 3, 5), (4, 1, 6, 6)):
        images, labels, mean, std = images_and_stats(rng, n, c, h, w)
        order = list(range(n))
        got = learner.probe("dataset_items", images, labels, mean, std, None, order)
        shape = f"images {n} x {c} x {h} x {w}, no generator"
        if not isinstance(got, dict) or type(got.get("len")) is not int or got["len"] != n:
            raise CheckFailure(f"len(dataset) must be the number of images N, as an int ({shape})")
        for i, item in zip(order, items_of(got, n, shape)):
            expect_item(item, ref_item(images, labels, mean, std, i, None), f"dataset[{i}] ({shape})")


def test_dataset_flips_with_the_given_generator(learner, rng):
    """With a generator, each read draws exactly one torch.rand(1) from that very generator (draws the caller makes from
    it in between count) and flips the width axis when the number is below 0.5 (a draw of exactly 0.5 does not
    flip), in whatever order the items are read."""
    images, labels, mean, std = images_and_stats(rng, 6, 2, 3, 4)
    cases = [(HALF_SEED, list(range(6)), None, "a draw of exactly 0.5 at the 5th read")]
    order = [int(v) for v in torch.randint(0, 6, (12,), generator=rng)]
    draws = [int(v) for v in torch.randint(0, 3, (12,), generator=rng)]
    cases.append((seed_of(rng), order, draws, "random read order, the caller drawing from the generator in between"))
    cases.append((seed_of(rng), [3, 0, 5, 3, 1, 1, 4, 2, 0, 3], [0] * 10, "reads out of order, items read again"))
    for seed, order, draws, label in cases:
        got = learner.probe("dataset_items", images, labels, mean, std, seed, order, draws)
        g = torch.Generator().manual_seed(seed)
        items = items_of(got, len(order), label)
        for k, (i, item) in enumerate(zip(order, items)):
            if draws and draws[k]:
                torch.rand(draws[k], generator=g)
            expect_item(item, ref_item(images, labels, mean, std, i, g), f"read {k + 1}, dataset[{i}] ({label})")


def test_reading_items_leaves_the_images_alone(learner, rng):
    """Reading items (each of them twice, as two epochs do) never modifies `images` or what the dataset stores: the
    second read gives the same normalized image as the first, and `images` is unchanged afterwards."""
    for n, c, h, w in ((4, 1, 5, 5), (3, 3, 2, 4)):
        images, labels, mean, std = images_and_stats(rng, n, c, h, w)
        order = list(range(n)) * 2
        got = learner.probe("dataset_items", images, labels, mean, std, None, order)
        for k, (i, item) in enumerate(zip(order, items_of(got, len(order), "two passes"))):
            expect_item(item, ref_item(images, labels, mean, std, i, None),
                        f"dataset[{i}] read in pass {1 + k // n} (the same every time)")
        expect_close(got.get("images_after"), images, rtol=0, atol=0,
                     what="`images` after the items were read (normalize into a new tensor, never in place)")


# ---------------------------------------------------------------- the loaders


def expect_epochs(got, want, what):
    if not isinstance(got, list) or len(got) != len(want) or any(not isinstance(e, list) for e in got):
        raise CheckFailure(f"{what}: iterating the loader gave no epochs of batches")
    for e, (g_epoch, w_epoch) in enumerate(zip(got, want), start=1):
        if len(g_epoch) != len(w_epoch):
            raise CheckFailure(f"{what}: epoch {e} must have {len(w_epoch)} batches (the short last one kept)")
        for b, (gb, wb) in enumerate(zip(g_epoch, w_epoch), start=1):
            if not isinstance(gb, list) or len(gb) != 2:
                raise CheckFailure(f"{what}: each batch must be (x, y)")
            expect_close(gb[0], wb[0], rtol=0, atol=0, what=f"{what}: epoch {e}, batch {b}'s samples (the order)")
            expect_close(gb[1], wb[1], rtol=0, atol=0, what=f"{what}: epoch {e}, batch {b}'s labels")


def want_epochs(n, batch_size, train, seed, epochs=2):
    loader = ref_loader(probes.IndexDataset(n), batch_size, train, seed)
    return [[[x, y] for x, y in loader] for _ in range(epochs)]


def test_training_loader_shuffles_with_its_own_seeded_generator(learner, rng):
    """make_loader(..., train=True, seed) shuffles exactly as DataLoader(shuffle=True, generator=
    torch.Generator().manual_seed(seed)): a new order each epoch, whatever else draws random numbers in between, the
    same orders for every loader built with that seed (two alive at once included, made from the same arguments
    too), seed 0 by default, batches of batch_size with the short last one kept."""
    for n, bs, seed in ((11, 4, seed_of(rng)), (13, 5, seed_of(rng)), (7, 7, 0)):
        got = learner.probe("loader_epochs", n, bs, True, seed, 3)
        expect_epochs(got, want_epochs(n, bs, True, seed, 3), f"a training loader ({n} samples, batch_size {bs})")
    got = learner.probe("loader_epochs", 10, 3, True, None)
    expect_epochs(got, want_epochs(10, 3, True, 0), "a training loader built without a seed (the default, 0)")
    seed = seed_of(rng)
    got = learner.probe("two_loaders", 9, 4, seed)
    want = want_epochs(9, 4, True, seed)
    expect_epochs(got, [want[0], want[0], want[1], want[1]],
                  "two training loaders with the same seed, read alternately")
    seed = seed_of(rng)
    got = learner.probe("two_loaders", 9, 4, seed, True)
    want = want_epochs(9, 4, True, seed)
    expect_epochs(got, [want[0], want[0], want[1], want[1]],
                  "two training loaders from two calls with the same arguments (the same dataset object, batch_size "
                  "and seed), read alternately: each call must return a new loader with a generator of its own, not "
                  "one kept from an earlier call")


def test_evaluation_loader_keeps_the_order(learner, rng):
    """make_loader(..., train=False) does not shuffle: samples 0, 1, ..., N-1 in batches of batch_size, the short last
    batch kept, the same every epoch."""
    for n, bs in ((11, 4), (5, 5), (int(torch.randint(6, 20, (), generator=rng)), 3)):
        got = learner.probe("loader_epochs", n, bs, False, seed_of(rng))
        expect_epochs(got, want_epochs(n, bs, False, 0), f"an evaluation loader ({n} samples, batch_size {bs})")


# ---------------------------------------------------------------- evaluate


def eval_batches(rng, sizes, model_seed, separate):
    """Images and labels in batches of the given sizes. With separate, the labels are chosen from the reference's own
    predictions so that the last (short) batch is all right and the others half right: the mean of per-batch
    accuracies then differs from correct / total."""
    x = torch.rand(sum(sizes), 1, 8, 8, generator=rng, dtype=torch.float64)
    if separate:
        model = probes.make_cnn(model_seed).eval()
        with torch.no_grad():
            pred = model(x).argmax(1)
        wrong = torch.zeros(len(x), dtype=torch.bool)
        start = 0
        for s in sizes[:-1]:
            wrong[start + s // 2:start + s] = True
            start += s
        y = torch.where(wrong, (pred + 1) % 3, pred)
    else:
        y = torch.randint(0, 3, (len(x),), generator=rng)
    out, start = [], 0
    for s in sizes:
        out.append((x[start:start + s], y[start:start + s]))
        start += s
    return out


def test_evaluate_counts_every_sample(learner, rng):
    """evaluate() returns {"accuracy": correct / total, "loss": mean cross-entropy} over every sample (each batch
    weighted by its size, the short last batch included), as Python floats, with the model in eval mode; with tied
    logits the prediction is argmax's, the first maximal index. The batches come in a one-shot iterable (like a
    generator: a second pass over it yields nothing), so evaluate() must go over them once."""
    for sizes, separate in (([16, 16, 5], True), ([16, 16, 5], False), ([9, 2], False), ([7], False)):
        seed = seed_of(rng)
        data = eval_batches(rng, sizes, seed, separate)
        got = learner.probe("eval_run", seed, data, True, False)
        want = ref_evaluate(probes.make_cnn(seed), data)
        expect_metrics(got.get("returned") if isinstance(got, dict) else got, want,
                       f"evaluate() on batches of {sizes}, given as a one-shot iterable (go over it once)")
    seed = seed_of(rng)
    x = torch.rand(20, 1, 8, 8, generator=rng, dtype=torch.float64)
    y = torch.where(torch.arange(20) % 3 == 2, 2, 0)  # classes 0 and 1 tie as the largest logits: argmax gives 0
    data = [(x[:12], y[:12]), (x[12:], y[12:])]
    got = learner.probe("eval_run", seed, data, True, False, True)
    expect_metrics(got.get("returned") if isinstance(got, dict) else got, ref_evaluate(probes.make_cnn(seed, tie=True), data),
                   "evaluate() with tied logits (classes 0 and 1 equal): the prediction is argmax over dim 1, the "
                   "first maximal index")


def test_evaluate_in_eval_mode_without_grad(learner, rng):
    """evaluate() runs the model in eval mode under no_grad: BatchNorm's running statistics stay, .grad is left as it
    was (set or None), frozen parameters stay frozen (requires_grad is not switched instead of no_grad), nothing it
    returns holds a graph or memory, and no graph is recorded (the worker's memory
    during a forward of 4096 images through a wide CNN is measured from outside, in a fresh worker that may hold at
    most 1 MiB more than before the submission was loaded: memory taken in advance, such as a buffer allocated at
    import and freed inside evaluate() to make room for the graph, would hide it)."""
    for preset in (True, False):
        seed = seed_of(rng)
        data = eval_batches(rng, [10, 6], seed, False)
        got = learner.probe("eval_run", seed, data, True, preset)
        model = probes.make_cnn(seed)
        if not isinstance(got, dict) or not isinstance(got.get("state"), dict):
            raise CheckFailure("evaluate() could not be run on a list of batches")
        kit.expect_state_dict(got["state"], probes.state(model), rtol=0, atol=0,
                              what="the model's state_dict after evaluate() (eval mode leaves BatchNorm's statistics "
                                   "alone)")
        grads = got.get("grads")
        params = list(model.parameters())
        if not isinstance(grads, list) or len(grads) != len(params):
            raise CheckFailure("the parameters' gradients after evaluate() could not be read")
        for i, (g, p) in enumerate(zip(grads, params)):
            if not preset:
                if g is not None:
                    raise CheckFailure("evaluate() must not compute gradients: a parameter without .grad got one")
                continue
            if g is None:
                raise CheckFailure("evaluate() must leave the parameters' .grad alone (it cleared them)")
            expect_close(g, torch.full_like(p, 0.5), rtol=0, atol=0,
                         what=f"parameter {i}'s .grad after evaluate() (no backward, no zero_grad)")
    # a model with frozen parameters (every other one): no_grad leaves every requires_grad as it was; switching
    # requires_grad off and back on instead of no_grad unfreezes the caller's frozen parameters
    seed = seed_of(rng)
    got = learner.probe("eval_run", seed, eval_batches(rng, [7, 4], seed, False), True, False, False, True)
    flags = got.get("requires_grad") if isinstance(got, dict) else None
    want_flags = [i % 2 == 1 for i in range(len(list(probes.make_cnn(seed).parameters())))]
    if flags != want_flags:
        raise CheckFailure("after evaluate() every parameter's requires_grad must be as it was (a model whose first, "
                           "third, ... parameters are frozen): run the forward under torch.no_grad() and leave "
                           "requires_grad alone")
    seed = seed_of(rng)
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        value = clean.probe("eval_wide", seed, WIDE["width"], WIDE["hw"], WIDE["depth"], WIDE["sizes"])
    want = ref_evaluate(probes.make_wide_cnn(seed, WIDE["width"], WIDE["hw"], WIDE["depth"]),
                        probes.wide_batches(seed, WIDE["sizes"], WIDE["hw"]))
    expect_metrics(value, want, "evaluate() on the wide float32 CNN (batches of 4096 and 1000)", rel_loss=1e-5)
    if m.peak_growth > WIDE_PEAK_LIMIT:
        raise CheckFailure("evaluate() records a graph: during a forward of 4096 images through a wide CNN the "
                           f"worker's memory rose by {m.peak_growth / 2**20:.0f} MB, the size of every activation kept "
                           "for a backward that never comes (run the forward under torch.no_grad())")
    if m.kept > KEPT_LIMIT:
        raise CheckFailure(f"after evaluate() returned, the worker still held {m.kept / 2**20:.0f} MB more than "
                           "before: what it returns (or keeps) holds tensors or a graph; return Python floats")


def test_evaluate_restores_the_mode(learner, rng):
    """evaluate() leaves the model, every submodule included, in the mode it found it in (training stays training,
    eval stays eval), and gradient recording as the caller had it: on, and still off for a caller inside
    torch.no_grad() (an evaluate that ends with torch.set_grad_enabled(True) switches that caller's recording on)."""
    for training in (True, False):
        seed = seed_of(rng)
        got = learner.probe("eval_run", seed, eval_batches(rng, [5, 3], seed, False), training, False)
        modes = got.get("modes") if isinstance(got, dict) else None
        count = len(list(probes.make_cnn(seed).modules()))
        if not isinstance(modes, list) or len(modes) != count:
            raise CheckFailure("the model's modes after evaluate() could not be read")
        if any(mode is not training for mode in modes):
            where = "the model itself" if modes[0] is not training else "a submodule (model.train(flag) sets them all)"
            raise CheckFailure(f"after evaluate() the model must be back in {'training' if training else 'eval'} mode, "
                               f"as it was before: {where} is not")
        if got.get("grad_mode_after") is not True:
            raise CheckFailure("after evaluate() gradient recording must be on again: use `with torch.no_grad():`, "
                               "not torch.set_grad_enabled(False)")
    seed = seed_of(rng)
    data = eval_batches(rng, [5, 3], seed, False)
    with learner.ambient(grad=False):  # the caller is inside torch.no_grad(); the worker compares grad mode after
        got = learner.probe("eval_run", seed, data, False, False)
    if not isinstance(got, dict) or got.get("grad_mode_after") is not False:
        raise CheckFailure("evaluate(), called inside a caller's torch.no_grad() block, left gradient recording on "
                           "after it: use `with torch.no_grad():`, which puts back whatever the caller had, not "
                           "torch.set_grad_enabled(False) then (True)")
    expect_metrics(got.get("returned"), ref_evaluate(probes.make_cnn(seed), data),
                   "evaluate() called inside a caller's torch.no_grad() block")


# ---------------------------------------------------------------- train_one_epoch


def train_case(learner, rng, momentum, stale, sizes=(16, 16, 16, 11), loss="ce"):
    seed = seed_of(rng)
    data = eval_batches(rng, list(sizes), seed, False)
    rng_seed = seed_of(rng)
    got = learner.probe("train_run", seed, data, 0.05, momentum, stale, rng_seed, loss)
    if not isinstance(got, dict) or not isinstance(got.get("state"), dict):
        raise CheckFailure("train_one_epoch could not be run on a list of batches")
    model = probes.make_cnn(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=momentum)
    torch.manual_seed(rng_seed)  # the probe seeds the global RNG (Dropout's masks) the same way
    mean_loss = ref_train(model, data, opt, probes.LOSS_FNS[loss])
    return got, mean_loss, probes.state(model)


def test_train_one_epoch_updates_like_the_reference(learner, rng):
    """train_one_epoch puts the model in training mode (Dropout on, BatchNorm on batch statistics, its running
    statistics updated) and, per batch, zeroes the gradients, back-propagates and steps: the state_dict after the epoch
    matches the reference loop's, also with momentum, with stale gradients in .grad before the epoch, and with a
    loss_fn other than cross-entropy (label smoothing 0.3): the loss is loss_fn's, whatever it is."""
    for momentum, stale, loss in ((0.0, False, "ce"), (0.9, True, "ce"), (0.0, True, "ce"), (0.9, False, "smooth")):
        got, mean_loss, want = train_case(learner, rng, momentum, stale, loss=loss)
        where = " (.grad held stale gradients before the epoch)" if stale else ""
        if loss != "ce":
            where += (" with loss_fn a cross-entropy with label smoothing 0.3 (compute loss_fn(model(x), y), the "
                      "loss_fn you are given, not F.cross_entropy)")
        kit.expect_state_dict(got["state"], want, rtol=1e-8, atol=1e-10,
                              what=f"the model's state_dict after one epoch of SGD, momentum {momentum}{where}")
        if loss != "ce":
            expect_number(got.get("returned"), mean_loss, f"the returned epoch loss{where}", 1e-9)
        if got.get("training_after") is not True:
            raise CheckFailure("after train_one_epoch the model must be in training mode")


def test_train_one_epoch_returns_sample_weighted_mean_loss(learner, rng):
    """The returned epoch loss is a Python float: the mean over all samples, each batch weighted by its size, so the
    short last batch weighs less."""
    for sizes in ((16, 16, 16, 11), (3, 12)):
        got, mean_loss, _ = train_case(learner, rng, 0.0, False, sizes)
        expect_number(got.get("returned"), mean_loss, f"the returned epoch loss (batches of {list(sizes)})", 1e-9)


# ---------------------------------------------------------------- all of it


def test_two_epochs_end_to_end(learner, rng):
    """The learner's datasets and loaders, two epochs of train_one_epoch then evaluate: the losses, the metrics and the
    final weights match the reference pipeline's (every epoch sees the same normalized images; the training images
    are flipped by their generator and shuffled by the loader's)."""
    train_x, train_y, mean, std = images_and_stats(rng, 45, 2, 8, 8)
    train_y = train_y % 3
    test_x, test_y = torch.rand(30, 2, 8, 8, generator=rng), torch.randint(0, 3, (30,), generator=rng)
    flip_seed, loader_seed, model_seed = seed_of(rng), seed_of(rng), seed_of(rng)
    got = learner.probe("pipeline", train_x, train_y, test_x, test_y, mean, std, flip_seed, loader_seed, 16,
                        model_seed, 0.05, 2)
    train_loader = ref_loader(RefDataset(train_x, train_y, mean, std, torch.Generator().manual_seed(flip_seed)), 16,
                              True, loader_seed)
    test_loader = ref_loader(RefDataset(test_x, test_y, mean, std), 16, False)
    model = probes.make_cnn(model_seed, channels=2, hw=8, dtype=torch.float32)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses, metrics = [], []
    for e in range(2):
        torch.manual_seed(100 + e)
        losses.append(ref_train(model, train_loader, opt))
        metrics.append(ref_evaluate(model, test_loader))
    if not isinstance(got, dict) or not isinstance(got.get("losses"), list) or not isinstance(got.get("metrics"), list):
        raise CheckFailure("the pipeline (datasets, loaders, two epochs) could not be run")
    if len(got["losses"]) != 2 or len(got["metrics"]) != 2:
        raise CheckFailure("the pipeline must give one loss and one evaluation per epoch")
    for e in range(2):
        expect_number(got["losses"][e], losses[e], f"epoch {e + 1}'s training loss (float32 CNN, your loaders)", 1e-4)
        expect_metrics(got["metrics"][e], metrics[e], f"epoch {e + 1}'s evaluation (float32 CNN, your loaders)",
                       rel_acc=1e-6, rel_loss=1e-4)
    kit.expect_state_dict(got.get("state"), probes.state(model), rtol=1e-4, atol=1e-5,
                          what="the model's state_dict after two epochs")
    expect_close(got.get("images_after"), train_x, rtol=0, atol=0, what="the training images after two epochs")
