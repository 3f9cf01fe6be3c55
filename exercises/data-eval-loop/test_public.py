"""Public graders for data-eval-loop: small fixed cases; every reference is computed here, in the judge (the models and
data are built from the same seeds with probes.py loaded on this side)."""

import math

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)

IMAGES = torch.tensor([[[[0.0, 0.25, 1.0], [0.5, 0.75, 0.0]]],
                       [[[1.0, 0.5, 0.25], [0.0, 0.0, 0.75]]]])  # (2, 1, 2, 3)
LABELS = torch.tensor([2, 0])
SHOWN = ("images (2, 1, 2, 3) = [[[[0, 0.25, 1], [0.5, 0.75, 0]]], [[[1, 0.5, 0.25], [0, 0, 0.75]]]], "
         "labels [2, 0], mean [0.5], std [0.25]")


def expect_item(item, want_x, want_y, what, inputs):
    if type(item) is not tuple or len(item) != 2:
        raise CheckFailure(f"{what} must be a tuple (x, y)", f"inputs: {inputs}\nreceived {summarize(item)}")
    expect_close(item[0], want_x, rtol=1e-6, atol=1e-6, what=f"{what}'s x", inputs=inputs)
    if type(item[1]) is not int or item[1] != want_y:
        raise CheckFailure(f"{what}'s y must be the label as a Python int",
                           f"inputs: {inputs}\nexpected {want_y!r}, received {summarize(item[1])}")


def test_dataset_example(learner):
    """ImageDataset normalizes each item ((x - mean) / std per channel) and returns (x, label as int); with a generator
    it draws torch.rand(1) per item and flips the width when the number is below 0.5."""
    got = learner.probe("dataset_items", IMAGES, LABELS, [0.5], [0.25], None, [0, 1])
    length = got.get("len") if isinstance(got, dict) else got
    if type(length) is not int or length != 2:
        raise CheckFailure("len(dataset) must be the number of images, as an int",
                           f"inputs: {SHOWN}\nexpected 2, received {summarize(length)}")
    items = got["items"]
    for i in range(2):
        expect_item(items[i], (IMAGES[i] - 0.5) / 0.25, int(LABELS[i]), f"dataset[{i}]", SHOWN)
    got = learner.probe("dataset_items", IMAGES, LABELS, [0.5], [0.25], 0, [0, 1, 0])
    g = torch.Generator().manual_seed(0)
    draws = [float(torch.rand(1, generator=g)) for _ in range(3)]
    shown = SHOWN + f", generator seeded with 0 (its draws: {[round(d, 4) for d in draws]}), reads dataset[0], [1], [0]"
    for k, i in enumerate([0, 1, 0]):
        x = (IMAGES[i] - 0.5) / 0.25
        expect_item(got["items"][k], x.flip(-1) if draws[k] < 0.5 else x, int(LABELS[i]),
                    f"read {k + 1} (dataset[{i}])", shown)


def test_loader_example(learner):
    """make_loader: in order for evaluation (the short last batch kept); for training, shuffled exactly as
    DataLoader(..., shuffle=True, generator=torch.Generator().manual_seed(seed)) does, a new order each epoch."""
    ds = probes.IndexDataset(5)
    for train, seed in ((False, 0), (True, 0), (True, 3)):
        got = learner.probe("loader_epochs", 5, 2, train, seed)
        want = [[[x, y] for x, y in loader] for loader in
                [DataLoader(ds, batch_size=2, shuffle=train,
                            generator=torch.Generator().manual_seed(seed) if train else None)] * 2]
        shown = f"dataset of 5 items (item i is an image filled with i), batch_size 2, train={train}, seed {seed}"
        order = [[[int(v) for v in y[0].reshape(-1, 4)[:, 0]] for y in epoch] for epoch in want]
        if not isinstance(got, list) or len(got) != 2 or any(not isinstance(e, list) for e in got):
            raise CheckFailure("iterating the loader twice must give two epochs of batches",
                               f"inputs: {shown}\nreceived {summarize(got)}")
        for e, (g_epoch, w_epoch) in enumerate(zip(got, want), start=1):
            if len(g_epoch) != len(w_epoch):
                raise CheckFailure(f"epoch {e} must have {len(w_epoch)} batches (the last one short, kept)",
                                   f"inputs: {shown}\nreceived {len(g_epoch)} batches")
            for b, (gb, wb) in enumerate(zip(g_epoch, w_epoch), start=1):
                detail = f"{shown}; expected sample order {order[e - 1]}"
                expect_close(gb[0], wb[0], rtol=0, atol=0, inputs=detail,
                             what=f"epoch {e}, batch {b}: the samples (each filled with its index)")
                expect_close(gb[1], wb[1], rtol=0, atol=0, what=f"epoch {e}, batch {b}: the labels", inputs=detail)


def example_batches():
    g = torch.Generator().manual_seed(11)
    x = torch.rand(5, 1, 8, 8, generator=g, dtype=torch.float64)
    y = torch.tensor([0, 2, 1, 1, 0])
    return [(x[:3], y[:3]), (x[3:], y[3:])]


EXAMPLE = ("make_cnn(seed) from probes.py (Conv-BatchNorm-ReLU-MaxPool-Dropout-Linear, float64), 5 images 1 x 8 x 8 "
           "from a generator seeded with 11, labels [0, 2, 1, 1, 0], batches of 3 and 2 (for evaluate(), in a one-shot "
           "iterable like a generator: a second pass over it yields nothing)")


def expect_number(value, expected, what, rel):
    value = kit.expect_float(value, what=what)
    if not math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12):
        raise CheckFailure(f"{what} is not right", f"inputs: {EXAMPLE}\nexpected {expected!r}, received {value!r}")


def test_evaluate_example(learner):
    """evaluate() returns {"accuracy": correct / total, "loss": mean cross-entropy} over the 5 samples, as floats,
    computed in eval mode (Dropout off, BatchNorm's running statistics), going over the batches once (they come in a
    one-shot iterable, like a generator)."""
    data = example_batches()
    got = learner.probe("eval_run", 0, data, True, False)
    model = probes.make_cnn(0).eval()
    with torch.no_grad():
        logits = torch.cat([model(x) for x, _ in data])
    y = torch.cat([y for _, y in data])
    ret = got.get("returned") if isinstance(got, dict) else got
    if not isinstance(ret, dict) or set(ret) != {"accuracy", "loss"}:
        raise CheckFailure('evaluate() must return a dict with the keys "accuracy" and "loss"',
                           f"inputs: {EXAMPLE}\nreceived {summarize(ret)}")
    expect_number(ret["accuracy"], int((logits.argmax(1) == y).sum()) / 5, "the accuracy", 1e-6)
    expect_number(ret["loss"], float(F.cross_entropy(logits, y)), "the mean loss", 1e-9)


def test_train_one_epoch_example(learner):
    """train_one_epoch with SGD(lr=0.1) over two batches: the weights end where the reference loop puts them (training
    mode, zero_grad, backward, step per batch) and the returned loss is the mean over the 5 samples."""
    data = example_batches()
    got = learner.probe("train_run", 1, data, 0.1, 0.0, False, 5)
    model = probes.make_cnn(1).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    torch.manual_seed(5)  # the probe seeds the global RNG (Dropout's masks) the same way
    total = 0.0
    for x, y in data:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        total += loss.item() * len(y)
    if not isinstance(got, dict):
        raise CheckFailure("train_one_epoch could not be run", f"received {summarize(got)}")
    kit.expect_state_dict(got.get("state"), probes.state(model), rtol=1e-9, atol=1e-12,
                          what="the model's state_dict after the epoch")
    expect_number(got["returned"], total / 5, "the returned epoch loss (mean over the 5 samples)", 1e-9)
