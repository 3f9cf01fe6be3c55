"""Hidden graders for fix-cnn-shapes: random layer configurations, input sizes, weights and images per run,
next to fixed configurations that separate near-miss formulas (floor against ceil, defaults, ceil_mode's rule).
Every reference (torch's layers, counts, accuracies) is computed here, in the judge."""

import torch
import torch.nn.functional as F
from torch import nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize
from grader.judge.kit import adversarial

CONV_ARGS = ("size", "kernel_size", "stride", "padding", "dilation")
POOL_ARGS = ("size", "kernel_size", "stride", "padding", "dilation", "ceil_mode")


def randint(rng, lo, hi):
    return int(torch.randint(lo, hi + 1, (), generator=rng))


def call_forms(rng, full, names, defaults):
    """The same configuration passed all positionally, by keyword, or with the default arguments left out."""
    kind = randint(rng, 0, 2)
    if kind == 0:
        return [list(full), {}]
    if kind == 1:
        return [list(full[:2]), {n: v for n, v in zip(names[2:], full[2:])}]
    kept = {n: v for n, v, d in zip(names[2:], full[2:], defaults) if v != d}
    return [list(full[:2]), kept]


def expect_ints(got, want, cfgs, *, what):
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"{what} must give one value per configuration", f"received {summarize(got)}")
    for value, expected, cfg in zip(got, want, cfgs):
        if type(value) is not int:
            raise CheckFailure(f"{what} must return a Python int (integers in, integer out)",
                               f"received {summarize(value)}")
        if value != expected:
            raise CheckFailure(f"{what} disagrees with torch's layer for some configuration "
                               "(check floor against ceil, the defaults, padding and dilation)")


def conv_side(s, k, st, p, d):
    return F.conv2d(torch.zeros(1, 1, s, s), torch.zeros(1, 1, k, k), stride=st, padding=p, dilation=d).shape[-1]


def test_conv_formula_matches_conv2d(learner, rng):
    """conv2d_out equals the side of F.conv2d's output for fixed and random size, kernel, stride, padding and
    dilation, called positionally, by keyword and with defaults left out."""
    fixed = [(7, 3, 2, 0, 1), (8, 3, 3, 1, 2), (5, 5, 1, 0, 1), (10, 4, 3, 2, 1), (1, 1, 1, 0, 1), (9, 2, 4, 0, 3)]
    full = list(fixed)
    while len(full) < 60:
        s, k, st, d = randint(rng, 1, 40), randint(rng, 1, 7), randint(rng, 1, 4), randint(rng, 1, 3)
        p = randint(rng, 0, 3)
        if s + 2 * p >= d * (k - 1) + 1:
            full.append((s, k, st, p, d))
    want = [conv_side(*c) for c in full]
    cfgs = [call_forms(rng, c, CONV_ARGS, (1, 0, 1)) for c in full]
    got = learner.probe("formulas", cfgs, [])
    expect_ints(got.get("conv") if isinstance(got, dict) else got, want, cfgs, what="conv2d_out")


def pool_side(s, k, st, p, d, ceil):
    return F.max_pool2d(torch.zeros(1, 1, s, s), k, st, p, d, ceil_mode=ceil).shape[-1]


def test_pool_formula_matches_max_pool2d(learner, rng):
    """pool2d_out equals F.max_pool2d's output side, stride None meaning kernel_size, floor and ceil modes (the last
    window must start inside), called positionally, by keyword and with defaults left out."""
    # fixed cases: ceil_mode's "last window must start inside" rule removes a window; floor and ceil differ;
    # stride None against stride 1; padding with dilation; the rule removing a window with a stride below the kernel
    # (4, 4, 3, 2: ceil gives 3 windows, the third would start at 6 = size + padding)
    fixed = [(5, 2, 2, 1, 1, True), (3, 2, 3, 0, 1, True), (11, 3, 2, 1, 1, True), (7, 2, None, 0, 1, True),
             (7, 2, None, 0, 1, False), (9, 3, None, 1, 2, False), (10, 3, 1, 0, 1, False), (6, 4, 3, 2, 1, True),
             (4, 4, 3, 2, 1, True)]
    full = list(fixed)
    while len(full) < 60:
        s, k, d = randint(rng, 1, 40), randint(rng, 1, 6), randint(rng, 1, 2)
        st = None if randint(rng, 0, 2) == 0 else randint(rng, 1, 4)
        p, ceil = randint(rng, 0, k // 2), randint(rng, 0, 1) == 1
        try:
            pool_side(s, k, st, p, d, ceil)
        except RuntimeError:
            continue
        full.append((s, k, st, p, d, ceil))
    want = [pool_side(*c) for c in full]
    cfgs = [call_forms(rng, c, POOL_ARGS, (None, 0, 1, False)) for c in full]
    got = learner.probe("formulas", [], cfgs)
    expect_ints(got.get("pool") if isinstance(got, dict) else got, want, cfgs, what="pool2d_out")


def reference(weights, x):
    x = F.max_pool2d(F.relu(F.conv2d(x, weights["conv1.weight"], weights["conv1.bias"])), 2)
    return F.linear(torch.flatten(x, 1), weights["fc1.weight"], weights["fc1.bias"])


def expected_shapes(in_ch, classes, size):
    h, w = (size, size) if isinstance(size, int) else size
    feats = 32 * ((h - 4) // 2) * ((w - 4) // 2)
    return {"conv1.weight": (32, in_ch, 5, 5), "conv1.bias": (32,), "fc1.weight": (classes, feats),
            "fc1.bias": (classes,)}


def expect_parameters(learner, in_ch, classes, size):
    got = learner.probe("parameters", in_ch, classes, size)
    want = expected_shapes(in_ch, classes, size)
    what = f"SimpleCNN({in_ch}, {classes}, {size})"
    if not isinstance(got, dict) or sorted(map(str, got)) != sorted(want):
        raise CheckFailure(f"{what} should have exactly the parameters conv1.weight, conv1.bias, fc1.weight, fc1.bias",
                           f"received {sorted(map(str, got)) if isinstance(got, dict) else summarize(got)}")
    for k, shape in want.items():
        hint = (" (fc1.in_features is the flattened size after conv1 and the pool)" if k == "fc1.weight" else
                " (the seed's conv1 with in_channels input channels)" if k == "conv1.weight" else "")
        expect_tensor(got[k], what=f"{what}'s {k}{hint}", shape=shape)


DEFAULTS = {"in_channels": 3, "n_classes": 10, "input_size": 32}


def test_flatten_size_follows_the_input(learner, device):
    """fc1.in_features is derived from input_size (an int or (H, W), odd sides included), and the batch size is
    kept for B = 1, 5 and 16; the arguments also work by keyword and left at their defaults (in_channels=3,
    n_classes=10, input_size=32): SimpleCNN(), and with one or two of them given."""
    forms = [((), {}), ((), {"in_channels": 1}), ((), {"n_classes": 4}), ((), {"input_size": 20}),
             ((2,), {"input_size": (12, 18)}), ((), {"input_size": 17, "in_channels": 1, "n_classes": 3})]
    for args, kwargs in forms:
        full = dict(DEFAULTS, **dict(zip(DEFAULTS, args)), **kwargs)
        got = learner.probe("parameters_called", list(args), kwargs)
        want = expected_shapes(full["in_channels"], full["n_classes"], full["input_size"])
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        if not isinstance(got, dict) or sorted(map(str, got)) != sorted(want) or any(
                not isinstance(got[k], torch.Tensor) or tuple(got[k].shape) != shape for k, shape in want.items()):
            raise CheckFailure(f"SimpleCNN({shown}) does not build the layers its arguments and the defaults "
                               "(in_channels=3, n_classes=10, input_size=32) ask for")
    for in_ch, classes, size in ((3, 10, 32), (1, 10, 28), (3, 7, 54), (1, 4, 17), (3, 5, (20, 36)), (2, 3, (15, 9))):
        expect_parameters(learner, in_ch, classes, size)
        h, w = (size, size) if isinstance(size, int) else size
        for batch in (1, 5, 16):
            x = torch.randn(batch, in_ch, h, w, device=device)
            expect_tensor(learner.probe("forward", in_ch, classes, size, None, x), shape=(batch, classes),
                          dtype=torch.float32, device=device, what=f"SimpleCNN({in_ch}, {classes}, {size}) on {tuple(x.shape)}")


def test_parameter_count(learner):
    """SimpleCNN(1, 10, 28) has exactly conv1's parameters and an fc1 sized for 28 x 28 inputs: 46922 in all."""
    expect_parameters(learner, 1, 10, 28)


def test_forward_with_copied_weights(learner, device, rng):
    """With given weights the output is max_pool(relu(conv1(x)), 2) flattened and passed through fc1: raw logits, for
    a contiguous x and the same x in channels_last memory format (whose conv and pool outputs keep that format)."""
    for in_ch, classes, size in ((3, 10, 16), (1, 3, (12, 18)), (2, 4, (13, 11))):
        expect_parameters(learner, in_ch, classes, size)
        h, w = (size, size) if isinstance(size, int) else size
        feats = 32 * ((h - 4) // 2) * ((w - 4) // 2)
        weights = {"conv1.weight": adversarial(rng, (32, in_ch, 5, 5)).to(device) / 5,
                   "conv1.bias": adversarial(rng, (32,)).to(device),
                   "fc1.weight": adversarial(rng, (classes, feats)).to(device) / feats ** 0.5,
                   "fc1.bias": adversarial(rng, (classes,)).to(device)}
        x = adversarial(rng, (3, in_ch, h, w)).to(device)
        expect_close(learner.probe("forward", in_ch, classes, size, weights, x), reference(weights, x), rtol=1e-10,
                     atol=1e-12, what=f"SimpleCNN({in_ch}, {classes}, {size})(x) with given weights")
        expect_close(learner.probe("forward", in_ch, classes, size, weights, x, True), reference(weights, x),
                     rtol=1e-10, atol=1e-12, what=f"SimpleCNN({in_ch}, {classes}, {size})(x) with given weights, for "
                     "an x in channels_last memory format (flatten with flatten(1) or reshape: a view needs "
                     "contiguous features)")


class Plain(nn.Module):
    """The judge's own CNN with the task's layers, for the given loop's reference run."""

    def __init__(self, in_ch, classes, feats):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, 32, kernel_size=5)
        self.fc1 = nn.Linear(feats, classes)

    def forward(self, x):
        return self.fc1(torch.flatten(F.max_pool2d(F.relu(self.conv1(x)), 2), 1))


def given_train(model, x, y, epochs, batch_size, lr=0.01):
    """The train loop the task gives, as given."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            optimizer.step()


def test_learns_prototype_images(learner, device, rng):
    """Trained with the given loop, it reaches 90% test accuracy on 4 noisy image prototypes, with raw (some negative)
    logits. And the given loop is kept as it is: from the same float64 weights, the submission's train (lr at its
    default) leaves the parameters where the given loop does, for 10 images in batches of 4 (a last, shorter batch of
    2) and for 3 images in batches of 4 (one short batch), over 2 epochs."""
    protos = torch.rand(4, 3, 16, 16, generator=rng)

    def data(n):
        y = torch.randint(0, 4, (n,), generator=rng)
        return (protos[y] + 0.5 * torch.randn(n, 3, 16, 16, generator=rng)).to(device), y.to(device)

    (x, y), (xt, yt) = data(200), data(100)
    logits = learner.probe("learn", 3, 4, 16, x, y, xt, 3, 20, randint(rng, 0, 1000))
    expect_tensor(logits, what="the trained CNN's logits on 100 test images", shape=(100, 4), dtype=torch.float32)
    if not float(logits.min()) < 0:
        raise CheckFailure("the logits can never be negative: a ReLU after the last layer clamps them")
    if not float((logits.argmax(1) == yt).double().mean()) >= 0.9:
        raise CheckFailure("after 3 epochs the CNN should reach 90% test accuracy on the prototype images")
    for n, batch in ((10, 4), (3, 4)):
        weights = {"conv1.weight": torch.randn(32, 3, 5, 5, generator=rng, dtype=torch.float64) * 0.1,
                   "conv1.bias": torch.randn(32, generator=rng, dtype=torch.float64) * 0.1,
                   "fc1.weight": torch.randn(4, 128, generator=rng, dtype=torch.float64) * 0.1,
                   "fc1.bias": torch.randn(4, generator=rng, dtype=torch.float64) * 0.1}
        weights = {k: v.to(device) for k, v in weights.items()}
        x = torch.randn(n, 3, 8, 8, generator=rng, dtype=torch.float64).to(device)
        y = torch.randint(0, 4, (n,), generator=rng).to(device)
        got = learner.probe("train_given", 3, 4, 8, weights, x, y, 2, batch)
        model = Plain(3, 4, 128).to(device=device, dtype=torch.float64)
        model.load_state_dict(weights)
        given_train(model, x, y, 2, batch)
        if not isinstance(got, dict) or sorted(map(str, got)) != sorted(weights):
            raise CheckFailure("after train, SimpleCNN should have exactly the parameters conv1.weight, conv1.bias, "
                               "fc1.weight, fc1.bias")
        for k, p in model.named_parameters():
            expect_close(got[k], p.detach(), rtol=1e-7, atol=1e-9,
                         what=f"{k} after the train loop, against the given loop's run from the same weights "
                              "(keep the given loop as it is: every batch x[i:i + batch_size], the last shorter one "
                              "included, SGD with lr=0.01 and momentum 0.9, cross-entropy)")
