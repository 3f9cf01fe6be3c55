"""Hidden graders for fix-cnn-shapes: random layer configurations, input sizes, weights and images per run."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def randint(rng, lo, hi):
    return int(torch.randint(lo, hi + 1, (), generator=rng))


def test_conv_formula_matches_conv2d(learner, rng):
    """conv2d_out equals the side of F.conv2d's output for random size, kernel, stride, padding and dilation."""
    cfgs, want = [], []
    while len(cfgs) < 60:
        s, k, st, d = randint(rng, 1, 40), randint(rng, 1, 7), randint(rng, 1, 4), randint(rng, 1, 3)
        p = randint(rng, 0, 3)
        if s + 2 * p < d * (k - 1) + 1:
            continue
        cfgs.append([s, k, st, p, d])
        want.append(F.conv2d(torch.zeros(1, 1, s, s), torch.zeros(1, 1, k, k), stride=st, padding=p, dilation=d).shape[-1])
    if learner.probe("formulas", cfgs, [])["conv"] != want:
        raise CheckFailure("conv2d_out disagrees with nn.Conv2d for some configuration")


def test_pool_formula_matches_max_pool2d(learner, rng):
    """pool2d_out equals F.max_pool2d's output side, stride defaulting to kernel_size, floor and ceil modes."""
    # fixed cases where ceil_mode's "last window must start inside" rule removes a window, then random ones
    cfgs, want = [[5, 2, 2, 1, 1, True], [3, 2, 3, 0, 1, True], [11, 3, 2, 1, 1, True]], []
    want = [F.max_pool2d(torch.zeros(1, 1, c[0], c[0]), *c[1:5], ceil_mode=True).shape[-1] for c in cfgs]
    while len(cfgs) < 60:
        s, k, d = randint(rng, 1, 40), randint(rng, 1, 6), randint(rng, 1, 2)
        st = None if randint(rng, 0, 2) == 0 else randint(rng, 1, 4)
        p, ceil = randint(rng, 0, k // 2), randint(rng, 0, 1) == 1
        try:
            side = F.max_pool2d(torch.zeros(1, 1, s, s), k, st, p, d, ceil_mode=ceil).shape[-1]
        except RuntimeError:
            continue
        cfgs.append([s, k, st, p, d, ceil])
        want.append(side)
    if learner.probe("formulas", [], cfgs)["pool"] != want:
        raise CheckFailure("pool2d_out disagrees with nn.MaxPool2d for some configuration")


def reference(weights, x):
    x = F.max_pool2d(F.relu(F.conv2d(x, weights["conv1.weight"], weights["conv1.bias"])), 2)
    return F.linear(torch.flatten(x, 1), weights["fc1.weight"], weights["fc1.bias"])


def test_flatten_size_follows_the_input(learner, device):
    """fc1.in_features is derived from input_size (an int or (H, W)), and the batch size is kept for B = 1 and 5."""
    for in_ch, classes, size in ((3, 10, 32), (1, 10, 28), (3, 7, 54), (1, 4, 17), (3, 5, (20, 36))):
        h, w = (size, size) if isinstance(size, int) else size
        feats = 32 * ((h - 4) // 2) * ((w - 4) // 2)
        if learner.probe("describe", in_ch, classes, size)["in_features"] != feats:
            raise CheckFailure(f"SimpleCNN({in_ch}, {classes}, {size}).fc1.in_features is not the flattened size")
        for batch in (1, 5):
            x = torch.randn(batch, in_ch, h, w, device=device)
            expect_tensor(learner.probe("forward", in_ch, classes, size, None, x), shape=(batch, classes),
                          dtype=torch.float32, device=device, what=f"SimpleCNN({in_ch}, {classes}, {size}) on {tuple(x.shape)}")


def test_parameter_count(learner):
    """SimpleCNN(1, 10, 28) has exactly the parameters of conv1 and an fc1 sized for 28 x 28 inputs."""
    got = learner.probe("describe", 1, 10, 28)
    if got["count"] != 46922 or got["shapes"].get("fc1.weight") != [10, 4608]:
        raise CheckFailure("SimpleCNN(1, 10, 28) has the wrong parameter count: check fc1's shape for 28 x 28 inputs")


def test_forward_with_copied_weights(learner, device, rng):
    """With given weights the output is max_pool(relu(conv1(x)), 2) flattened and passed through fc1: raw logits."""
    for in_ch, classes, size in ((3, 10, 16), (1, 3, (12, 18))):
        h, w = (size, size) if isinstance(size, int) else size
        feats = 32 * ((h - 4) // 2) * ((w - 4) // 2)
        g = lambda *s: torch.randn(*s, generator=rng, dtype=torch.float64).to(device)
        weights = {"conv1.weight": g(32, in_ch, 5, 5) / 5, "conv1.bias": g(32), "fc1.weight": g(classes, feats) / feats ** 0.5,
                   "fc1.bias": g(classes)}
        x = g(3, in_ch, h, w)
        expect_close(learner.probe("forward", in_ch, classes, size, weights, x), reference(weights, x), rtol=1e-10,
                     atol=1e-12, what=f"SimpleCNN({in_ch}, {classes}, {size})(x) with given weights")


def test_learns_prototype_images(learner, device, rng):
    """Trained with the given loop, it reaches 90% test accuracy on 4 noisy image prototypes, with negative logits."""
    protos = torch.rand(4, 3, 16, 16, generator=rng)

    def data(n):
        y = torch.randint(0, 4, (n,), generator=rng)
        return (protos[y] + 0.5 * torch.randn(n, 3, 16, 16, generator=rng)).to(device), y.to(device)

    (x, y), (xt, yt) = data(200), data(100)
    got = learner.probe("learn", 3, 4, 16, x, y, xt, yt, 3, 20, randint(rng, 0, 1000))
    if not float(got["min_logit"]) < 0:
        raise CheckFailure("the logits can never be negative: a ReLU after the last layer clamps them")
    if not float(got["accuracy"]) >= 0.9:
        raise CheckFailure("after 3 epochs the CNN should reach 90% test accuracy on the prototype images")
