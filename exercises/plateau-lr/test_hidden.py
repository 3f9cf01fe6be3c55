"""Hidden graders for plateau-lr: lock-step runs against torch's ReduceLROnPlateau, run in the judge through the same
harness (grader.drive.lr_trajectory) as the learner's PlateauLR. Every grader runs fixed sequences that separate the
near-miss formulas (negative metrics, exact ties, both modes and both threshold modes) next to random ones, so no
verdict depends on the seed."""

import math

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_raises

LRS = [0.1, 0.05]


def sequences(rng):
    """Random metric sequences that exercise patience, thresholds, negative values and oscillation."""
    noise = torch.randn(40, generator=rng, dtype=torch.float64)
    return {
        "decreasing then flat": [1.0 - 0.05 * k for k in range(8)] + [0.6] * 25,
        "noisy plateau": (0.5 + 0.01 * noise).tolist(),
        "improvements below the threshold": [(1 - 5e-5) ** k for k in range(30)],
        "negative and noisy": (-1.0 - 0.02 * torch.arange(30, dtype=torch.float64) + 0.05 * noise[:30]).tolist(),
        "oscillating": [1.0 + 0.3 * (-1) ** k * (0.97 ** k) for k in range(30)],
    }


def lock_step(learner, kwargs, metrics, what, lrs=LRS):
    got = learner.probe("run", lrs, kwargs, metrics)
    want = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), lambda o: ReduceLROnPlateau(o, **kwargs),
                               len(metrics), lrs, [float(m) for m in metrics])[1:]
    if not isinstance(got, dict):
        raise CheckFailure(f"PlateauLR could not be driven ({what})")
    first = got.get("first_last_lr")
    if not isinstance(first, list) or len(first) != len(lrs):
        raise CheckFailure("get_last_lr() right after construction (before any step) must be the list of the param "
                           "groups' lrs")
    for value in first:
        kit.expect_float(value, what="get_last_lr() before any step")
    kit.expect_same_values(first, [float(v) for v in lrs], what="get_last_lr() before any step (the groups' initial "
                           "lrs)", label="group")
    for key, label in (("group_lrs", "the param groups' lrs"), ("last_lr", "get_last_lr()")):
        seq = got.get(key)
        if not isinstance(seq, list) or len(seq) != len(want):
            raise CheckFailure(f"{label} must be readable after every step ({what})")
        for k, (g, w) in enumerate(zip(seq, want), start=1):
            if not isinstance(g, list):
                raise CheckFailure(f"{label} after step {k} must be a list of floats ({what})")
            if key == "last_lr":
                for value in g:
                    kit.expect_float(value, what=f"get_last_lr() after step {k}")
            kit.expect_same_values(g, w, what=f"{label} after step {k} with {kwargs} on the {what} metric",
                                   label="group")


def battery(learner, rng, configs, names=None):
    seqs = sequences(rng)
    for kwargs in configs:
        for name, metrics in seqs.items():
            if names is None or name in names:
                lock_step(learner, kwargs, metrics, name)


def fixed(learner, cases):
    for kwargs, metrics, what in cases:
        lock_step(learner, kwargs, metrics, what)


# metrics just past or just short of best * (1 -/+ threshold): with negative values the two differ from
# best -/+ |best| * threshold, the "physical" relative threshold torch does not use
NEGATIVE_MIN = [-1.0, -1.00005, -1.00008, -1.0001, -1.00011, -1.00012, -1.0, -1.00013]
NEGATIVE_MAX = [-1.0, -0.99995, -0.99992, -0.9999, -0.99989, -0.99988, -1.0, -0.99987]


# best values for which torch's product best * (1 -/+ threshold) and the expanded best -/+ best * threshold round to
# different floats (by one unit in the last place), for both signs of best: the metric exactly at torch's product is
# no improvement (a tie), and the one just beyond it is one. At these bests the expanded form rounds past torch's
# product, so it takes the tie for an improvement and keeps an lr that torch cuts.
PRODUCT_BESTS = {"min": [(1e-4, -4.073786710328048), (0.1, -0.43659139726812046), (0.01, 5.6791493751980635)],
                 "max": [(1e-4, -3.915412082003257), (0.1, 7.650059012649682), (0.01, 5.789305204334157)]}


def product_cases(mode):
    """Fixed runs (patience 0) at torch's exact relative threshold: a tie, then a metric one ulp beyond it."""
    cases = []
    for threshold, best in PRODUCT_BESTS[mode]:
        bound = best * (1.0 - threshold) if mode == "min" else best * (1.0 + threshold)
        beyond = math.nextafter(bound, -math.inf if mode == "min" else math.inf)
        kwargs = {"mode": mode, "patience": 0, "threshold": threshold}
        cases.append((kwargs, [best, bound, best, beyond, beyond],
                      f"fixed: exactly at best * (1 {'-' if mode == 'min' else '+'} threshold) (a tie, no improvement)"
                      f", then one ulp beyond it ({mode}, rel, best {best!r}; compute the product as written, not "
                      f"best {'-' if mode == 'min' else '+'} best * threshold)"))
    return cases


def test_patience_counts_bad_epochs(learner, rng):
    """The lr is cut when bad epochs exceed patience (not reach it), counting from the best value so far; a NaN metric
    is no improvement, so it is a bad epoch like any other (also during a cooldown, which it ticks down); two
    schedulers stepped in turn keep separate counts. (Every graded run also reads get_last_lr() right after
    construction: the groups' initial lrs, as floats.)"""
    inf, nan = float("inf"), float("nan")
    fixed(learner, [({"patience": 3, "factor": 0.5}, [1.0, 0.9] + [0.95] * 9, "fixed: a rise after the best"),
                    ({"patience": 0}, [2.0, 1.0, 1.5, 1.2, 1.1, 0.5], "fixed: drift above the best"),
                    # a diverged first epoch: inf is no improvement on the initial best (+inf), so it counts as bad
                    ({"patience": 0}, [inf, inf, 2.0, 2.0, 1.0], "fixed: diverged first epochs (inf)"),
                    ({"patience": 1}, [inf, inf, inf, 1.0, 1.0, 1.0], "fixed: diverged first epochs (inf), patience 1"),
                    ({"patience": 1}, [1.0, nan, nan, nan, 0.5, nan, nan],
                     "fixed: NaN metrics (no improvement: each one is a bad epoch)"),
                    ({"mode": "max", "patience": 0, "cooldown": 2}, [1.0, nan, nan, nan, nan, 2.0],
                     "fixed: NaN metrics in mode max, with a cooldown")])
    battery(learner, rng, [{}, {"patience": 0}, {"patience": 3, "factor": 0.5}])
    # two schedulers alive at once, stepped in turn: one improves at every step, the other is on a plateau (random
    # changes far below the threshold), so a count of bad epochs (or best, or cooldown) shared between instances
    # (a class attribute, a module-level dict) shows in either trajectory
    steps = 12
    falling = (1.0 - torch.cumsum(0.01 + 0.01 * torch.rand(steps, generator=rng, dtype=torch.float64), 0)).tolist()
    flat = (0.5 + 1e-7 * torch.randn(steps, generator=rng, dtype=torch.float64)).tolist()
    for kwargs in ({"patience": 2, "factor": 0.5}, {"patience": 1, "cooldown": 1}):
        for first, second, what in ((falling, flat, "improving, then one on a plateau"),
                                    (flat, falling, "on a plateau, then one improving")):
            got = learner.probe("run_pair", LRS, kwargs, first, second)
            if not isinstance(got, dict):
                raise CheckFailure(f"two PlateauLR could not be driven side by side ({what})")
            for key, metrics, label in (("a", first, "the first"), ("b", second, "the second")):
                want = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups),
                                           lambda o: ReduceLROnPlateau(o, **kwargs), steps, LRS, metrics)[1:]
                seq = got.get(key)
                if not isinstance(seq, list) or len(seq) != steps:
                    raise CheckFailure(f"two PlateauLR side by side ({what}): the lrs of {label} must be readable "
                                       "after each of its steps")
                for k, (g, w) in enumerate(zip(seq, want), start=1):
                    kit.expect_same_values(g, w, what=f"{label} of two PlateauLR with {kwargs} stepped in turn "
                                           f"({what}), its lrs after step {k} (each scheduler keeps its own best, "
                                           "bad-epoch count and cooldown: instance attributes set in __init__, "
                                           "nothing shared through the class or the module)", label="group")


def test_thresholds(learner, rng):
    """Improvements must beat best * (1 - threshold) (rel) or best - threshold (abs), negative metrics and exact ties
    included (at the very float torch's product gives, which best - best * threshold misses by an ulp for some bests)."""
    fixed(learner, [
        ({"patience": 0}, NEGATIVE_MIN, "fixed negative (min, rel)"),
        ({"patience": 0, "threshold": 1e-4, "threshold_mode": "abs"}, NEGATIVE_MIN, "fixed negative (min, abs)"),
        ({"patience": 0, "threshold": 0.5}, [1.0, 0.5, 0.25, 0.2, -1.0, -0.5, -1.5], "fixed ties (min, rel)"),
        ({"patience": 0, "threshold": 0.5, "threshold_mode": "abs"}, [1.0, 0.5, 0.0, -0.25, -0.5, -1.0],
         "fixed ties (min, abs)"),
    ] + product_cases("min"))
    battery(learner, rng, [{"patience": 1}, {"patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
                           {"patience": 2, "threshold": 0.01}])


def test_mode_max(learner, rng):
    """mode='max' treats larger metrics as better (accuracy-like), with both threshold modes, negative values and ties
    (at the very float torch's product best * (1 + threshold) gives)."""
    fixed(learner, [
        ({"mode": "max", "patience": 0}, NEGATIVE_MAX, "fixed negative (max, rel)"),
        ({"mode": "max", "patience": 0, "threshold": 1e-4, "threshold_mode": "abs"}, NEGATIVE_MAX,
         "fixed negative (max, abs)"),
        ({"mode": "max", "patience": 0, "threshold": 0.5}, [1.0, 1.5, 2.25, 2.5, -1.0, -0.5, -0.75],
         "fixed ties (max, rel)"),
        ({"mode": "max", "patience": 0, "threshold": 0.5, "threshold_mode": "abs"}, [-1.0, -0.5, 0.0, 0.25, 0.5],
         "fixed ties (max, abs)"),
    ] + product_cases("max"))
    battery(learner, rng, [{"mode": "max", "patience": 2}, {"mode": "max", "patience": 1, "threshold": 0.1,
                                                            "threshold_mode": "abs"}])


def test_cooldown(learner, rng):
    """After a cut, bad epochs are not counted for `cooldown` steps; the best value still updates during them."""
    fixed(learner, [({"patience": 1, "cooldown": 2}, [1.0, 1.0, 1.0, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8],
                     "fixed: a new best during the cooldown"),
                    ({"patience": 0, "cooldown": 1}, [1.0] * 8, "fixed: constant, cooldown 1")])
    battery(learner, rng, [{"patience": 2, "cooldown": 3}, {"patience": 0, "cooldown": 1, "factor": 0.5}])


def test_min_lr_and_eps(learner, rng):
    """Each group stops at its min_lr (a float or one per group), and a change of at most eps is not applied."""
    fixed(learner, [({"patience": 0, "factor": 0.5, "eps": 0.05}, [1.0] * 4, "fixed: a change of exactly eps"),
                    ({"patience": 0, "factor": 0.1, "min_lr": [0.05, 0.001]}, [1.0] * 4, "fixed: min_lr per group"),
                    ({"patience": 0, "factor": 0.0, "min_lr": 0.02}, [1.0] * 3, "fixed: factor 0")])
    battery(learner, rng, [{"patience": 1, "factor": 0.5, "min_lr": [1e-3, 2e-2]}, {"patience": 0, "min_lr": 0.09},
                           {"patience": 0, "factor": 0.999999999}, {"patience": 0, "factor": 0.5, "eps": 0.02}])


def float32_boundary(rng, mode, threshold=1e-4):
    """(best, metric) as float32 values where metric beats best's threshold in float64 (torch takes float(metric))
    but not in float32 arithmetic, or the other way round: a metric kept as a float32 tensor decides otherwise."""
    for _ in range(1000):
        b32 = torch.empty((), dtype=torch.float32).uniform_(0.5, 2.0, generator=rng)
        b = float(b32)
        v32 = b32 * (1.0 - threshold) if mode == "min" else b32 * (threshold + 1.0)
        v64 = b * (1.0 - threshold) if mode == "min" else b * (threshold + 1.0)
        for m32 in (torch.nextafter(v32, v32 - 1), v32, torch.nextafter(v32, v32 + 1)):
            m = float(m32)
            if mode == "min" and (m < v64) != bool(m32 < v32) or mode == "max" and (m > v64) != bool(m32 > v32):
                return b, m
    raise AssertionError("prep could not draw a float32 boundary case")  # the grader's bug, never the learner's


def test_tensor_metric(learner, device, rng):
    """step() accepts a 0-d tensor on any device as well as a float, and uses its value as a Python float (as torch
    does): float32 metrics just at best's threshold are compared in float64, not in float32 arithmetic."""
    metrics = sequences(rng)["negative and noisy"][:15] + [0.5, 0.5, 0.5]
    lock_step(learner, {"patience": 2}, [torch.tensor(m, dtype=torch.float64, device=device) for m in metrics],
              "0-d tensor")
    for mode in ("min", "max"):
        b, m = float32_boundary(rng, mode)
        lock_step(learner, {"mode": mode, "patience": 0},
                  [torch.tensor(v, dtype=torch.float32, device=device) for v in (b, m, m)],
                  f"0-d float32 tensor just at the threshold (mode {mode}): compare float(metric), as torch does")


def test_invalid_arguments_raise(learner):
    """factor >= 1, an unknown mode or threshold_mode, or a min_lr list of the wrong length raise ValueError."""
    for kwargs in ({"factor": 1.0}, {"factor": 2.0}, {"mode": "avg"}, {"mode": "MIN"}, {"threshold_mode": "relative"},
                   {"min_lr": [0.1, 0.2, 0.3]}, {"min_lr": [0.1]}):
        expect_raises(lambda: learner.probe("construct", 2, **kwargs), "ValueError", what=f"PlateauLR(opt, **{kwargs})")
    for kwargs in ({"min_lr": [0.0, 0.1], "factor": 0.5}, {"factor": 0.0, "mode": "max", "threshold_mode": "abs"}):
        if learner.probe("construct", 2, **kwargs) != "constructed":
            raise CheckFailure(f"PlateauLR(opt with 2 groups, **{kwargs}) is valid and must construct")
