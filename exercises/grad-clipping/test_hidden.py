"""Hidden graders for grad-clipping: random gradients of both signs per run, fixed separating cases alongside; every
reference comes from torch.nn.utils, run here in the judge through the same harness."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.kit import adversarial

probes = load_sibling(__file__)


def grads(rng, device, shapes=((3, 4), (5,), (2, 2, 2)), scale=10.0, dtype=torch.float64):
    return [adversarial(rng, s, scale=scale).to(device, dtype) for s in shapes]


def check_grads(got, want, what, tol):
    for key, label in (("grads", "gradient {i} after clipping"),
                       ("originals", "gradient {i}, read through the tensor object .grad held before the call "
                                     "(modify .grad in place: the same tensor objects)")):
        for i, (a, b) in enumerate(zip(got[key], want[key])):
            if b is None:
                if a is not None:
                    raise CheckFailure(f"a parameter without a gradient must keep .grad None ({what})")
                continue
            expect_close(a, b, what=label.format(i=i) + f" ({what})", **tol)


def compare_norm(learner, what, gs, max_norm, norm_type=2.0, **kw):
    got = learner.probe("norm", gs, max_norm, norm_type, **kw)
    want = probes.run_norm(torch.nn.utils.clip_grad_norm_, gs, max_norm, norm_type, **kw)
    dtype = next((g.dtype for g in gs if g is not None), torch.float64)
    # bfloat16 keeps 8 significant bits: another summation order (or a wider dtype inside) moves the total by a step
    tol = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-6, atol=1e-7)}.get(
        dtype, dict(rtol=2e-2, atol=1e-2))
    expect_close(got["returned"], want["returned"], what=f"the returned total norm, a 0-d tensor of the gradients' "
                 f"dtype ({what})", **tol)
    check_grads(got, want, what, tol)
    if kw.get("graph"):
        check_no_graph(got, want, what)
    return got


def check_no_graph(got, want, what):
    if got.get("returned_requires_grad"):
        raise CheckFailure(f"the returned total requires grad: clip_grad_norm must not record a graph ({what}; "
                           "work under torch.no_grad() or on .detach()ed gradients)")
    if "second_order_error" in got:
        raise CheckFailure(f"after clipping, the graph the gradients carried can no longer be differentiated ({what}): "
                           "the in-place change was recorded in it, or .grad was replaced by a new tensor; clip under "
                           "torch.no_grad(), in place on the .grad tensors themselves",
                           f"differentiating sum(.grad ** 2) afterwards raised: {got['second_order_error']}")
    for i, (a, b) in enumerate(zip(got["second_order"], want["second_order"])):
        expect_close(a, b, rtol=1e-10, atol=1e-12,
                     what=f"the graph behind gradient {i} after clipping: the in-place change was recorded in it "
                          f"({what}; clip under torch.no_grad() or through .detach())")


def test_total_norm_over_all_parameters(learner, device, rng):
    """One total norm over every gradient, returned before clipping, and one common scale factor (max_norm 0.5, 5,
    20, 0), in float64, float32 and bfloat16 (the total in the gradients' dtype); an infinite total still scales every
    gradient by its factor (0)."""
    for max_norm in (0.5, 5.0, 20.0, 0.0):
        compare_norm(learner, f"max_norm {max_norm}", grads(rng, device), max_norm)
    gs = grads(rng, device)
    gs[1] = gs[1].clone()
    gs[1][0] = float("inf")  # a non-finite total: the factor max_norm / (inf + 1e-6) = 0 is applied all the same
    got = learner.probe("norm", gs, 1.0)
    want = probes.run_norm(torch.nn.utils.clip_grad_norm_, gs, 1.0)
    what = "with an infinite gradient entry (total inf: every gradient is still scaled by the factor, 0, as torch does)"
    total = got.get("returned")
    if not isinstance(total, torch.Tensor) or total.dim() != 0 or not bool(torch.isinf(total)):
        raise CheckFailure(f"the returned total must be a 0-d tensor holding inf {what}")
    for i, (a, b) in enumerate(zip(got["grads"], want["grads"])):
        if (not isinstance(a, torch.Tensor) or a.shape != b.shape or a.dtype != b.dtype
                or not torch.equal(a.isnan(), b.isnan()) or not torch.equal(a.nan_to_num(0.0), b.nan_to_num(0.0))):
            raise CheckFailure(f"gradient {i} after clipping {what}")
    compare_norm(learner, "float32 gradients", grads(rng, device, dtype=torch.float32), 1.0)
    compare_norm(learner, "bfloat16 gradients: the total is a bfloat16 0-d tensor, whatever dtype you compute the "
                 "norms in", grads(rng, device, dtype=torch.bfloat16), 1.0)


def test_below_threshold_unchanged(learner, device, rng):
    """When the total norm is below max_norm, the gradients are left as they are; at exactly max_norm they are
    scaled by max_norm / (total + 1e-6), like torch."""
    compare_norm(learner, "total below max_norm", grads(rng, device, scale=0.01), 100.0)
    compare_norm(learner, "all-zero gradients", [torch.zeros(3, dtype=torch.float64, device=device)], 1.0)
    # at exactly max_norm: entries whose per-tensor norms (5, 12) and total (13) are exact in every summation order,
    # so "total <= max_norm, leave them" and torch's scaling always differ (a total computed from drawn values could
    # land one rounding step above max_norm in the learner's own order, and the mistake would pass on that draw)
    sign = lambda n: torch.where(torch.rand(n, generator=rng) < 0.5, -1.0, 1.0).to(torch.float64)  # noqa: E731
    power = 2.0 ** int(torch.randint(-3, 4, (), generator=rng))
    exact = [torch.tensor([3.0, 4.0], dtype=torch.float64) * sign(2) * power,
             torch.tensor([0.0, 12.0, 0.0], dtype=torch.float64)[torch.randperm(3, generator=rng)] * sign(3) * power]
    compare_norm(learner, "total equal to max_norm", [g.to(device) for g in exact], 13.0 * power)


def test_norm_types(learner, device, rng):
    """norm_type 1, 3 and inf (the largest |entry|, also when it is negative) give torch's totals and clipping."""
    for norm_type in (1.0, 3, math.inf):
        compare_norm(learner, f"norm_type {norm_type}", grads(rng, device), 2.0, norm_type)
    f64 = dict(dtype=torch.float64, device=device)
    compare_norm(learner, "norm_type inf where the largest |entry| is negative",
                 [torch.tensor([-5.0, 1.0], **f64), torch.tensor([2.0], **f64)], 1.0, math.inf)


def test_skips_missing_grads(learner, device, rng):
    """Parameters whose .grad is None are skipped (only those: parameters with requires_grad off whose .grad is set
    are counted and clipped, by norm and by value); with no gradient at all the total is torch.tensor(0.0)."""
    gs = grads(rng, device)
    compare_norm(learner, "a parameter without .grad", [gs[0], None, gs[1]], 1.0)
    compare_norm(learner, "parameters with requires_grad=False whose .grad is set (only .grad None is skipped)",
                 grads(rng, device), 1.0, frozen=True)
    gs = grads(rng, device)
    got = learner.probe("value", gs, 0.5, frozen=True)
    want = probes.run_value(torch.nn.utils.clip_grad_value_, gs, 0.5, frozen=True)
    check_grads(got, want, "clip_grad_value on parameters with requires_grad=False whose .grad is set (only .grad None "
                "is skipped)", dict(rtol=0.0, atol=0.0))
    for empty, what in (([None, None], "no parameter has a gradient"), ([], "no parameters at all")):
        got = learner.probe("norm", empty, 1.0)
        expect_close(got["returned"], torch.tensor(0.0), rtol=0.0, atol=0.0,
                     what=f"the total when {what} (torch.tensor(0.0))")


def test_generator_and_single_tensor(learner, device, rng):
    """A generator (like model.parameters()) is read once and still clipped; a single tensor works too; any iterable
    is taken as it is, as torch takes it: a parameter listed twice (tied weights) counts twice in the total and is
    scaled twice, and non-contiguous gradients (a transposed or strided .grad) are clipped like contiguous ones; a
    second call on the same parameters, after their gradients changed in place, clips the new values."""
    compare_norm(learner, "parameters given as a generator", grads(rng, device), 1.0, as_generator=True)
    compare_norm(learner, "a single tensor", grads(rng, device, shapes=((6,),)), 1.0, single=True)
    for shape in ((6,), (3, 4)):
        compare_norm(learner, f"a single plain tensor of shape {shape} that requires grad (not an nn.Parameter: "
                     "recognise a single tensor with isinstance(parameters, torch.Tensor), or it is iterated over as "
                     "if it were a list of tensors)", grads(rng, device, shapes=(shape,)), 1.0, single=True, plain=True)
    for norm_type in (2.0, 1.0):
        compare_norm(learner, f"a parameter listed twice, norm_type {norm_type} (torch neither de-duplicates nor "
                     "skips it: it counts twice in the total and is scaled twice)", grads(rng, device), 1.0,
                     norm_type, order=[0, 1, 0, 2])
    first, second = grads(rng, device), grads(rng, device, scale=3.0)
    compare_norm(learner, "a second call on the same parameters after their .grad tensors got new values in place "
                 "(the total and the factor must come from the gradients as they are now, not from the first call)",
                 first, 1.0, again=second)
    for norm_type in (2.0, math.inf):
        compare_norm(learner, f"non-contiguous gradients, norm_type {norm_type} (use reshape or flatten, not view; "
                     "scale the .grad tensors in place whatever their strides)", grads(rng, device), 1.0, norm_type,
                     noncontiguous=True)


def test_clip_value_matches_torch(learner, device, rng):
    """clip_grad_value equals torch.nn.utils.clip_grad_value_ (both signs beyond the bound, zeros, clip_value 0), in
    place, skipping missing gradients, for a generator, a single tensor and non-contiguous gradients, and returns
    None."""
    gs = grads(rng, device)
    for clip in (0.1, 3.0, 0.0):
        mixed = [gs[0], None, gs[1], gs[2]]
        got = learner.probe("value", mixed, clip)
        want = probes.run_value(torch.nn.utils.clip_grad_value_, mixed, clip)
        check_grads(got, want, f"clip_grad_value({clip}) over a generator", dict(rtol=0.0, atol=0.0))
        if got["returned"] is not None:
            raise CheckFailure("clip_grad_value must return None")
    got = learner.probe("value", [gs[1]], 1.0, single=True)
    want = probes.run_value(torch.nn.utils.clip_grad_value_, [gs[1]], 1.0, single=True)
    check_grads(got, want, "clip_grad_value on a single tensor", dict(rtol=0.0, atol=0.0))
    for shape in ((6,), (3, 4)):
        g = adversarial(rng, shape, scale=10.0).to(device)
        got = learner.probe("value", [g], 1.0, single=True, plain=True)
        want = probes.run_value(torch.nn.utils.clip_grad_value_, [g], 1.0, single=True, plain=True)
        check_grads(got, want, f"clip_grad_value on a single plain tensor of shape {shape} that requires grad (not an "
                    "nn.Parameter: recognise it with isinstance(parameters, torch.Tensor))", dict(rtol=0.0, atol=0.0))
    got = learner.probe("value", gs, 1.0, noncontiguous=True)
    want = probes.run_value(torch.nn.utils.clip_grad_value_, gs, 1.0, noncontiguous=True)
    check_grads(got, want, "clip_grad_value on non-contiguous gradients (clamp the .grad tensors in place whatever "
                "their strides)", dict(rtol=0.0, atol=0.0))


def test_no_graph_recorded(learner, device, rng):
    """With gradients that carry a graph (as after backward(create_graph=True)), neither function records anything:
    the total does not require grad and the in-place changes stay out of the gradients' graphs."""
    for norm_type in (2.0, math.inf):
        compare_norm(learner, f"graph-carrying gradients, norm_type {norm_type}", grads(rng, device), 1.0, norm_type,
                     graph=True)
    gs = grads(rng, device)
    got = learner.probe("value", gs, 1.0, graph=True)
    want = probes.run_value(torch.nn.utils.clip_grad_value_, gs, 1.0, graph=True)
    check_grads(got, want, "clip_grad_value on graph-carrying gradients", dict(rtol=0.0, atol=0.0))
    check_no_graph(got, want, "clip_grad_value on graph-carrying gradients")
