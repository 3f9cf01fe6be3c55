"""Hidden graders for weight-init: random shapes, seeds and weights, compared with torch.nn.init and nn.Linear."""

import math

import torch

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, expect_raises

BANNED = ["torch.nn.init.xavier_uniform_", "torch.nn.init.kaiming_normal_", "torch.nn.init.calculate_gain",
          "torch.nn.init._calculate_fan_in_and_fan_out", "torch.nn.init.xavier_normal_",
          "torch.nn.init.kaiming_uniform_"]


def test_dense_forward_matches_linear(learner, device, rng):
    """dense_forward(x, W, b, act) equals act(nn.Linear with weight W and bias b applied to x), batch dims included."""
    for act, fn in (("identity", lambda z: z), ("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
        x = torch.randn(2, 5, 3, generator=rng, dtype=torch.float64).to(device)
        W = torch.randn(4, 3, generator=rng, dtype=torch.float64).to(device)
        b = torch.randn(4, generator=rng, dtype=torch.float64).to(device)
        expect_close(learner.call("dense_forward", x, W, b, act), fn(torch.nn.functional.linear(x, W, b)),
                     rtol=1e-12, atol=1e-12, what=f"dense_forward with activation {act!r}")


def test_dense_forward_refuses_bad_shapes(learner, device):
    """An input width that is not W.shape[1], a bias of the wrong size or an unknown activation raise ValueError."""
    x, W, b = torch.ones(2, 3, device=device), torch.ones(4, 3, device=device), torch.ones(4, device=device)
    for args, what in (((torch.ones(2, 4, device=device), W, b, "relu"), "x of width 4 for W (4, 3)"),
                       ((x, W.T.contiguous(), b, "relu"), "W given as (in, out)"),
                       ((x, W, torch.ones(3, device=device), "relu"), "a bias of 3 for 4 outputs"),
                       ((x, W, b, "softsign"), "an unknown activation")):
        expect_raises(lambda: learner.call("dense_forward", *args), "ValueError", what=f"dense_forward with {what}")


def test_fans_and_gain(learner, rng):
    """fans and gain equal torch.nn.init's fan computation and calculate_gain (leaky_relu: default slope 0.01)."""
    for shape in ((7, 3), (5, 2, 3), (6, 4, 3, 2), (2, 9, 1, 1, 4)):
        if tuple(learner.call("fans", shape)) != torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)):
            raise CheckFailure(f"fans{shape} is not right")
    for args in (("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",), ("leaky_relu", 0.2),
                 ("leaky_relu", 0)):
        if not math.isclose(learner.call("gain", *args), torch.nn.init.calculate_gain(*args), rel_tol=1e-12):
            raise CheckFailure(f"gain{args} is not right")


def torch_init(fn, shape, seed, kwargs):
    t = torch.empty(shape, dtype=torch.float64)
    getattr(torch.nn.init, fn)(t, generator=torch.Generator().manual_seed(seed), **kwargs)
    return t


def check_init(learner, rng, name, cases):
    for shape, kwargs in cases:
        seed = int(torch.randint(0, 10_000, (), generator=rng))
        got = learner.probe("init", name, shape, seed, kwargs)
        if not got["same_tensor"]:
            raise CheckFailure(f"{name} must fill the tensor in place and return it")
        expect_close(got["values"], torch_init(name, shape, seed, kwargs), rtol=1e-12, atol=1e-14,
                     what=f"{name} on shape {shape} with {kwargs}")


def test_xavier_uniform(learner, rng):
    """xavier_uniform_ draws U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)), from the generator, in place."""
    check_init(learner, rng, "xavier_uniform_", [((30, 20), {}), ((8, 3, 5, 5), {"gain": 1.7}), ((4, 6, 7), {"gain": 0.5})])


def test_kaiming_normal(learner, rng):
    """kaiming_normal_ draws N(0, gain / sqrt(fan)): a=0 with leaky_relu gives sqrt(2); fan_out mode; other nonlinearities."""
    check_init(learner, rng, "kaiming_normal_", [((30, 20), {}), ((8, 3, 5, 5), {"mode": "fan_out"}),
                                                 ((12, 9), {"a": 0.3}), ((10, 6), {"nonlinearity": "relu"}),
                                                 ((10, 6), {"nonlinearity": "tanh", "mode": "fan_out"})])


def test_dead_relu_units(learner, device, rng):
    """dead_relu_units lists, per ReLU, the units whose input is <= 0 for every sample: dead from the start."""
    sizes = [3, 6, 5, 2]
    weights = {}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        weights[f"{2 * k}.weight"] = torch.randn(b, a, generator=rng, dtype=torch.float64).to(device)
        bias = torch.randn(b, generator=rng, dtype=torch.float64) * 0.1
        if k < 2:
            bias[torch.randperm(b, generator=rng)[:k + 1]] = -100.0  # these units never fire on the data below
        weights[f"{2 * k}.bias"] = bias.to(device)
    x = torch.randn(50, 3, generator=rng, dtype=torch.float64).to(device)
    h, want = x, []
    for k in range(2):  # other units may die too (a second-layer unit with only negative weights, say): compute them
        pre = torch.nn.functional.linear(h, weights[f"{2 * k}.weight"], weights[f"{2 * k}.bias"])
        want.append(torch.nonzero((pre <= 0).all(0)).flatten().tolist())
        h = torch.relu(pre)
    if learner.probe("dead", sizes, weights, x) != want:
        raise CheckFailure("dead_relu_units did not find exactly the dead units")
    sizes = [1, 1, 1]  # the seed's Linear(1, 1) - ReLU - Linear(1, 1) with a unit that only fires for x > 3
    w = {"0.weight": torch.ones(1, 1), "0.bias": torch.tensor([-3.0]), "2.weight": torch.ones(1, 1), "2.bias": torch.zeros(1)}
    x = torch.linspace(-2, 2, 40).reshape(-1, 1)
    w = {k: v.to(device, torch.float64) for k, v in w.items()}
    if learner.probe("dead", sizes, w, x.to(device, torch.float64)) != [[0]]:
        raise CheckFailure("dead_relu_units should find the seed's single hidden unit dead when it never fires")


def test_no_torch_init(learner, source, rng):
    """The initialisers are your own: torch.nn.init's versions and calculate_gain are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: compute the scale yourself")
    check_init(learner, rng, "kaiming_normal_", [((9, 4), {})])
