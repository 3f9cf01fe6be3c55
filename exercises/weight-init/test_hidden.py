"""Hidden graders for weight-init: random shapes, seeds, weights and inputs (both signs, exact zeros) per run, with
fixed separating cases (a leaky_relu slope of exactly 0, units whose input is exactly 0, a (1, out) bias, shapes
with fewer than 2 dimensions); every reference is torch.nn.init's or nn.Linear's, run here, in the judge.

torch.nn.init is not checked here by name: the exercise's bans switch the whole module off in the worker, so code
that leans on it fails every grader that runs it."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_raises, summarize
from grader.judge.kit import adversarial
from grader.judge.remote import received_info
from grader.judge.session import LearnerError

ACTS = (("identity", lambda z: z), ("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh))


def test_dense_forward_matches_linear(learner, device, rng):
    """dense_forward(x, W, b, act) equals act(F.linear(x, W, b)): any leading batch dimensions (a single 1-D sample
    too), the input's dtype kept, and pre-activations of magnitude >= 700 (where a hand-written tanh or sigmoid
    through exp overflows to nan) in float32 and float64."""
    for act, fn in ACTS:
        for x_shape, dtype, big in (((2, 5, 3), torch.float64, False), ((7, 3), torch.float32, False),
                                    ((3,), torch.float64, False), ((6, 3), torch.float64, True),
                                    ((6, 3), torch.float32, True)):
            x = adversarial(rng, x_shape).to(device, dtype)
            W = adversarial(rng, (4, 3)).to(device, dtype)
            b = adversarial(rng, (4,)).to(device, dtype)
            if big:  # |x @ W.T| <= 300, so outputs 0 and 1 are >= 700 and <= -700: exp(+-2z) overflows here
                x, W = x.clamp(-10, 10), W.clamp(-10, 10)
                b[0], b[1] = 1000.0, -1000.0
            tol = (1e-12, 1e-12) if dtype == torch.float64 else (1e-5, 1e-6)
            what = f"dense_forward with activation {act!r} on x of shape {x_shape} ({str(dtype).replace('torch.', '')})"
            if big:
                what += " with pre-activations of magnitude >= 700 (the activation must stay finite where exp overflows)"
            try:
                got = learner.call("dense_forward", x, W, b, act)
            except LearnerError as e:
                if e.type == "BannedCallError":
                    raise
                raise CheckFailure(f"{what}: your code raised {e.summary()}, but these inputs are valid: x of shape "
                                   f"{x_shape} (its last dimension is W.shape[1] = 3; any leading dimensions, or none), "
                                   "W of shape (4, 3), b of shape (4,)") from None
            expect_close(got, fn(torch.nn.functional.linear(x, W, b)), rtol=tol[0], atol=tol[1], what=what)


def test_dense_forward_keeps_half_dtypes(learner, device, rng):
    """float16 and bfloat16 inputs give float16 and bfloat16 outputs ("keeping x's dtype"): a mask or constant of the
    default dtype (such as z * (z > 0).float()) would promote them to float32. Values within a few units in the last
    place of the low-precision dtype, scaled by the size of the terms, of the float64 result."""
    for dtype in (torch.float16, torch.bfloat16):
        x = adversarial(rng, (5, 3)).to(device, dtype)
        W = adversarial(rng, (4, 3)).to(device, dtype)
        b = adversarial(rng, (4,)).to(device, dtype)
        name = str(dtype).replace("torch.", "")
        # what rounding in dtype can cost: a few ulps of the largest term that enters each output
        scale = (x.double().abs() @ W.double().abs().T + b.double().abs()) + 1.0
        ulp = 2.0 ** -10 if dtype == torch.float16 else 2.0 ** -7
        for act, fn in ACTS:
            what = f"dense_forward with activation {act!r} on x of shape (5, 3) ({name})"
            try:
                got = learner.call("dense_forward", x, W, b, act)
            except LearnerError as e:
                if e.type == "BannedCallError":
                    raise
                raise CheckFailure(f"{what}: your code raised {e.summary()}, but these inputs are valid: x (5, 3), "
                                   f"W (4, 3) and b (4,), all {name}") from None
            if not isinstance(got, torch.Tensor) or got.dtype != dtype or tuple(got.shape) != (5, 4):
                raise CheckFailure(f"{what} must return a {name} tensor of shape (5, 4), keeping x's dtype",
                                   f"received {summarize(got)}: look for a mask, a constant or a buffer created in the "
                                   "default dtype (float32), such as (z > 0).float() or torch.zeros(shape), which "
                                   "promotes a half-precision result to float32")
            want = fn(torch.nn.functional.linear(x.double(), W.double(), b.double()))
            err = (got.double() - want).abs()
            if not bool((err <= 8 * ulp * scale).all()):
                where = int(err.reshape(-1).argmax())
                raise CheckFailure(f"{what} has the wrong values",
                                   f"expected (float64 from the same {name} inputs): {summarize(want.to(dtype))}\n"
                                   f"received: {summarize(got)}\nlargest difference "
                                   f"{float(err.reshape(-1)[where]):.3g} at flat index {where}")


def test_dense_forward_refuses_bad_shapes(learner, device):
    """An input width that is not W.shape[1], W given as (in, out), a bias that is not exactly (out,) ((1, out), (1,),
    0-d or the wrong length; for a single output too, where a 0-d or (1, 1) bias would broadcast) or an unknown
    activation (None, "", and names that only match after changing case or stripping spaces, such as "ReLU",
    included) raise ValueError."""
    x, W, b = torch.ones(2, 3, device=device), torch.ones(4, 3, device=device), torch.ones(4, device=device)
    W1 = torch.ones(1, 3, device=device)  # one output unit: a 0-d or (1, 1) bias would broadcast to (1,)
    for args, what in (((torch.ones(2, 4, device=device), W, b, "relu"), "x of width 4 for W (4, 3)"),
                       ((x, torch.ones(3, 4, device=device), b, "relu"), "W given as (in, out) = (3, 4)"),
                       ((x, W, torch.ones(3, device=device), "relu"), "a bias of 3 for 4 outputs"),
                       ((x, W, torch.ones(1, 4, device=device), "relu"), "a bias of shape (1, 4) where (4,) is needed"),
                       ((x, W, torch.ones(1, device=device), "relu"), "a bias of shape (1,) where (4,) is needed"),
                       ((x, W, torch.tensor(1.0, device=device), "relu"), "a 0-d bias where (4,) is needed"),
                       ((x, W1, torch.tensor(1.0, device=device), "relu"),
                        "a 0-d bias for W (1, 3), one output: b must be exactly (1,), even where one number would "
                        "broadcast (check b.shape == (W.shape[0],), not b.numel() or b.dim() <= 1)"),
                       ((x, W1, torch.ones(1, 1, device=device), "relu"),
                        "a bias of shape (1, 1) for W (1, 3), one output: (1,) is needed"),
                       ((x, W, b, "softsign"), "an unknown activation"),
                       ((x, W, b, None), "activation=None (not one of the four names)"),
                       ((x, W, b, ""), "activation=\"\" (not one of the four names)"),
                       ((x, W, b, "ReLU"), "activation=\"ReLU\" (the names are lower-case: not one of the four)"),
                       ((x, W, b, "Tanh"), "activation=\"Tanh\" (the names are lower-case: not one of the four)"),
                       ((x, W, b, "sigmoid "), "activation=\"sigmoid \" (not one of the four names)")):
        expect_raises(lambda: learner.call("dense_forward", *args), "ValueError", what=f"dense_forward with {what}")


def expect_fans(learner, shape):
    want = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    got = learner.call("fans", shape)
    if type(got) is not tuple or len(got) != 2 or not all(type(v) is int for v in got):
        raise CheckFailure(f"fans({shape}) must return a tuple (fan_in, fan_out) of two Python ints",
                           f"received {summarize(got)}")
    if got != tuple(want):
        raise CheckFailure(f"fans({shape}) returned {got}, which is not (fan_in, fan_out) as torch.nn.init counts "
                           "them: fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field, the "
                           "receptive field being the product of shape[2:] (1 for a 2-d shape)")


def test_fans_and_gain(learner, rng):
    """fans equals torch.nn.init's fan computation (zero-size dimensions included; fewer than 2 dimensions raise
    ValueError), and gain equals calculate_gain (leaky_relu: default slope 0.01, an explicit 0 is 0)."""
    shapes = [(7, 3), (5, 2, 3), (6, 4, 3, 2), (2, 9, 1, 1, 4), (4, 0, 3), (1, 1)]
    shapes.append(tuple(int(torch.randint(1, 9, (), generator=rng)) for _ in range(int(torch.randint(2, 5, (), generator=rng)))))
    for shape in shapes:
        expect_fans(learner, shape)
    for shape in ((5,), ()):
        expect_raises(lambda: learner.call("fans", shape), "ValueError",
                      what=f"fans({shape}) (fewer than 2 dimensions, where torch.nn.init raises ValueError)")
    slope = float(torch.rand((), generator=rng)) * 0.5
    for args in (("linear",), ("conv1d",), ("conv2d",), ("conv3d",), ("sigmoid",), ("tanh",), ("relu",),
                 ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", slope)):
        got = learner.call("gain", *args)
        want = torch.nn.init.calculate_gain(*args)
        if isinstance(got, bool) or not isinstance(got, (int, float)) or not math.isclose(got, want, rel_tol=1e-12):
            call = "gain(" + ", ".join(map(repr, args)) + ")"
            raise CheckFailure(f"{call} returned {summarize(got)}, which is not torch.nn.init.calculate_gain's "
                               "value: 1 for linear, conv1d/2d/3d and sigmoid, 5/3 for tanh, sqrt(2) for relu, "
                               "sqrt(2 / (1 + slope ** 2)) for leaky_relu (slope = param; only None means 0.01, an "
                               "explicit 0 is a slope of 0), as a Python number")


def torch_init(fn, shape, seed, kwargs, dtype=torch.float64, global_rng=False, layout=None):
    if layout is None:
        t = torch.empty(shape, dtype=dtype)
    elif layout == "transposed":
        t = torch.empty((shape[1], shape[0]), dtype=dtype).T
    else:
        t = torch.empty((shape[0], shape[1] + 3), dtype=dtype)[:, 1:1 + shape[1]]
    if global_rng:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            getattr(torch.nn.init, fn)(t, **kwargs)
    else:
        getattr(torch.nn.init, fn)(t, generator=torch.Generator().manual_seed(seed), **kwargs)
    return t.contiguous()


LAYOUTS = {"transposed": "a transposed view (W.T of a contiguous weight)",
           "slice": "a column slice of a bigger tensor (base[:, 1:1 + in])"}


def check_init(learner, rng, name, cases, global_rng=False):
    for case in cases:
        shape, kwargs, dtype = case[:3]
        layout = case[3] if len(case) > 3 else None
        seed = int(torch.randint(0, 10_000, (), generator=rng))
        got = learner.probe("init", name, shape, seed, kwargs, dtype=dtype, global_rng=global_rng, layout=layout)
        want = torch_init(name, shape, seed, kwargs, dtype, global_rng, layout)
        how = ("the global generator after torch.manual_seed" if global_rng else
               "the seeded generator passed to this call (a new one at every call: draw from the one you are given)")
        tol = (1e-12, 1e-14) if dtype == torch.float64 else (1e-6, 1e-7)
        target = f"a parameter of shape {shape}" if layout is None else f"{LAYOUTS[layout]} of shape {shape}"
        filled = got.get("filled")
        if isinstance(filled, torch.Tensor) and bool(filled.isnan().any()):
            raise CheckFailure(f"{name} left entries of the tensor it was given unwritten: it must fill that tensor "
                               "in place (under torch.no_grad() for a parameter) and return it")
        expect_close(filled, want, rtol=tol[0], atol=tol[1],
                     what=f"{name} on {target} ({str(dtype).replace('torch.', '')}) with {kwargs}, drawing from {how} "
                          "(torch draws into the tensor itself, in its memory order"
                          + ("; std = gain(nonlinearity, a) / sqrt(fan), a = 0 being a slope of 0)"
                             if name == "kaiming_normal_" else ")"))
        if layout is not None:
            through = got.get("through_base")
            if not isinstance(through, torch.Tensor) or bool(through.isnan().any()):
                raise CheckFailure(f"{name} on {target} did not write the caller's storage: the tensor it was given "
                                   "is a view, and the tensor it views still holds its old values; fill the tensor "
                                   "itself in place (tensor.uniform_ / tensor.normal_), never rebind tensor.data")
            expect_close(through, want, rtol=tol[0], atol=tol[1],
                         what=f"{name} on {target}: the values seen through the viewed tensor")
        expect_close(got.get("after_doubling_returned"), 2 * want, rtol=tol[0], atol=tol[1],
                     what=f"{name}'s return value (it must be the tensor it filled in place, not a copy)")
        info = received_info(got.get("returned"))
        if layout is None and (info is None or info.type_name != "torch.nn.parameter.Parameter"
                               or not info.requires_grad):
            # given an nn.Parameter, the same tensor is a Parameter that requires grad; a detached alias or a .data
            # view over its storage is a plain tensor that does not
            raise CheckFailure(f"{name} must return the same tensor it was given ({target}): it returned "
                               + ("no tensor" if info is None else f"a {info.type_name} with requires_grad="
                                  f"{info.requires_grad}") + ", not the nn.Parameter it filled (a detached alias or a "
                               ".data view over its storage is another tensor)")


def test_xavier_uniform(learner, rng):
    """xavier_uniform_ draws U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)), from the generator, in place, and
    returns the tensor it filled; an explicit gain=0 gives zeros; a transposed view and a column slice of a bigger
    tensor are filled in place, in torch's memory order, through to the viewed storage."""
    check_init(learner, rng, "xavier_uniform_", [((30, 20), {}, torch.float64), ((8, 3, 5, 5), {"gain": 1.7}, torch.float64),
                                                 ((4, 6, 7), {"gain": 0.5}, torch.float32),
                                                 ((7, 5), {"gain": 0}, torch.float64),
                                                 ((9, 6), {}, torch.float64, "transposed"),
                                                 ((6, 8), {"gain": 0.8}, torch.float32, "slice")])


def test_kaiming_normal(learner, rng):
    """kaiming_normal_ draws N(0, gain / sqrt(fan)): a=0 with leaky_relu gives sqrt(2); fan_out mode; other
    nonlinearities; in place, returning the tensor; a transposed view and a column slice of a bigger tensor are
    filled in place, in torch's memory order, through to the viewed storage."""
    check_init(learner, rng, "kaiming_normal_", [((30, 20), {}, torch.float64),
                                                 ((8, 3, 5, 5), {"mode": "fan_out"}, torch.float64),
                                                 ((12, 9), {"a": 0.3}, torch.float64),
                                                 ((10, 6), {"nonlinearity": "relu"}, torch.float32),
                                                 ((10, 6), {"nonlinearity": "tanh", "mode": "fan_out"}, torch.float64),
                                                 ((9, 6), {}, torch.float64, "transposed"),
                                                 ((6, 8), {"a": 0.2}, torch.float32, "slice")])


def test_initialisers_use_the_global_generator(learner, rng):
    """With generator=None both initialisers draw from torch's global generator, as torch.nn.init does; a tensor
    with fewer than 2 dimensions raises ValueError."""
    check_init(learner, rng, "xavier_uniform_", [((9, 5), {}, torch.float64)], global_rng=True)
    check_init(learner, rng, "kaiming_normal_", [((6, 4, 3), {"a": 0.1}, torch.float64)], global_rng=True)
    for name in ("xavier_uniform_", "kaiming_normal_"):
        expect_raises(lambda: learner.probe("init", name, (5,), 0, {}), "ValueError",
                      what=f"{name} on a 1-D tensor (fewer than 2 dimensions)")


def dead_reference(weights, x, n_relu):
    h, want = x, []
    for k in range(n_relu):
        pre = torch.nn.functional.linear(h, weights[f"{k}.weight"], weights[f"{k}.bias"])
        want.append(torch.nonzero((pre <= 0).all(0)).flatten().tolist())
        h = torch.relu(pre)
    return want


def expect_dead(learner, sizes, weights, x, want, *, what, extra=None):
    got = learner.probe("dead", sizes, weights, x, extra)
    if not isinstance(got, list) or not all(isinstance(g, list) and all(type(i) is int for i in g) for g in got):
        raise CheckFailure("dead_relu_units must return a list with one list of Python ints per nn.ReLU",
                           f"received {summarize(got)}")
    if got != want:
        raise CheckFailure(f"dead_relu_units did not find exactly the dead units ({what}): a unit is dead when its "
                           "input is <= 0 (exactly 0 included) for every sample; list the indices in increasing order")


def test_dead_relu_units(learner, device, rng):
    """dead_relu_units lists, per ReLU in order, the units whose input is <= 0 for every sample (exactly 0 counts),
    with other layers in between (an nn.LeakyReLU and an nn.RReLU among them: not nn.ReLU) and a ReLU at the end,
    in small batches and in a large one where only the last sample fires; called twice on one model it gives the same answer and leaves no hook behind (the
    model's modules and torch's global module hooks hold as many as before), and it leaves a model in training or in
    eval mode in that mode."""
    sizes = [3, 6, 5, 2]
    weights = {}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        w = adversarial(rng, (b, a))
        bias = adversarial(rng, (b,)) * 0.1
        if k < 2:
            idx = torch.randperm(b, generator=rng)
            bias[idx[:k + 1]] = -100.0           # these units never fire on the data below
            w[idx[k + 1]], bias[idx[k + 1]] = 0.0, 0.0  # this one's input is exactly 0 for every sample: dead too
        weights[f"{k}.weight"], weights[f"{k}.bias"] = w.to(device), bias.to(device)
    x = adversarial(rng, (50, 3)).to(device)
    want = dead_reference(weights, x, 2)
    expect_dead(learner, sizes, weights, x, want, what="random weights with planted dead units")
    expect_dead(learner, sizes, weights, x, want, what="an nn.Identity after each ReLU", extra="identity")
    expect_dead(learner, sizes, weights, x, want, what="an nn.Identity between each Linear and its ReLU (a ReLU's "
                "input is whatever the layer before it gives, not necessarily a Linear's output)",
                extra="identity_before")
    expect_dead(learner, sizes, weights, x, want, what="an nn.LeakyReLU and an nn.RReLU after each ReLU: they are not "
                "nn.ReLU, so they get no list of their own", extra="relu_lookalikes")
    got = learner.probe("dead_twice", sizes, weights, x)
    counts = got.get("hooks") if isinstance(got, dict) else None
    if not isinstance(counts, list) or len(set(counts)) != 1:
        raise CheckFailure("dead_relu_units left hooks on the model it was given (their number grows with every "
                           "call): it must leave the caller's model as it found it, so remove every hook it "
                           "registers (handle.remove(), in a finally) before returning")
    for k, res in enumerate(got["results"]):
        if res != want:
            raise CheckFailure(f"dead_relu_units called {'a second time' if k else 'once'} on the same model did not "
                               "find exactly the dead units: each call must give the same answer for the same model "
                               "and input")
    want_last = dead_reference(weights, x, 3)
    expect_dead(learner, sizes, weights, x, want_last, what="a model that ends with a ReLU", extra="relu_last")
    # one nn.ReLU module used at two positions is not asked about: a hook per position and a hook per module differ
    for training in (True, False):
        modes = learner.probe("dead_modes", sizes, weights, x, training)
        if not isinstance(modes, list) or not modes or modes != [training] * len(modes):
            raise CheckFailure(f"dead_relu_units changed the train/eval mode of a model that was in "
                               f"{'training' if training else 'eval'} mode: leave the caller's model as it found it "
                               "(the layers give the same outputs in either mode here, so no switch is needed; one "
                               "you make must be undone before returning)")
    # the seed's Linear(1, 1) - ReLU - Linear(1, 1) with a unit that only fires for x > 3, then for x >= 2
    x1 = torch.linspace(-2, 2, 41, dtype=torch.float64).reshape(-1, 1).to(device)
    # and a large batch (301 samples) in which only the very last sample makes the unit fire: every sample counts
    x_big = torch.linspace(-2, 2, 301, dtype=torch.float64).reshape(-1, 1).to(device)
    for bias, want, what, xs in ((-3.0, [[0]], "a unit that never fires", x1),
                                 (-2.0, [[0]], "a unit whose input is at most 0", x1),
                                 (-1.9, [[]], "a unit that fires for one sample", x1),
                                 (-1.99, [[]], "301 samples, the unit fires only for the last one", x_big)):
        w = {"0.weight": torch.ones(1, 1), "0.bias": torch.tensor([bias]), "1.weight": torch.ones(1, 1),
             "1.bias": torch.zeros(1)}
        expect_dead(learner, [1, 1, 1], {k: v.to(device, torch.float64) for k, v in w.items()}, xs, want,
                    what=f"the seed's one-unit model, {what}")
