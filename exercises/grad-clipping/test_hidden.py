"""Hidden graders for grad-clipping: random gradients per run, compared with torch.nn.utils."""

import math

import torch

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, load_sibling

probes = load_sibling(__file__)
BANNED = ["torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad_norm", "torch.nn.utils.clip_grad_value_",
          "torch.nn.utils.get_total_norm", "torch.nn.utils.clip_grads_with_norm_",
          "torch.nn.utils.clip_grad.clip_grad_norm_", "torch.nn.utils.clip_grad.clip_grad_value_"]


def grads(rng, device, shapes=((3, 4), (5,), (2, 2, 2)), scale=10.0):
    return [(torch.randn(s, generator=rng, dtype=torch.float64) * scale).to(device) for s in shapes]


def compare_norm(learner, what, gs, max_norm, norm_type=2.0, **kw):
    got = learner.probe("norm", gs, max_norm, norm_type, **kw)
    want = probes.run_norm(torch.nn.utils.clip_grad_norm_, gs, max_norm, norm_type, **kw)
    expect_close(got["total"], want["total"], rtol=1e-10, atol=1e-12, what=f"the returned total norm ({what})")
    for i, (a, b) in enumerate(zip(got["grads"], want["grads"])):
        if b is None:
            if a is not None:
                raise CheckFailure(f"a parameter without a gradient must keep .grad None ({what})")
            continue
        expect_close(a, b, rtol=1e-10, atol=1e-12, what=f"gradient {i} after clipping ({what})")
    return got


def test_total_norm_over_all_parameters(learner, device, rng):
    """One total norm over every gradient, returned before clipping, and one common scale factor."""
    for max_norm in (0.5, 5.0, 20.0):
        compare_norm(learner, f"max_norm {max_norm}", grads(rng, device), max_norm)


def test_below_threshold_unchanged(learner, device, rng):
    """When the total norm is below max_norm, the gradients are left as they are."""
    compare_norm(learner, "total below max_norm", grads(rng, device, scale=0.01), 100.0)
    compare_norm(learner, "all-zero gradients", [torch.zeros(3, dtype=torch.float64, device=device)], 1.0)


def test_norm_types(learner, device, rng):
    """norm_type 1, 3 and inf (the largest |entry|) give torch's totals and clipping."""
    for norm_type in (1.0, 3.0, math.inf):
        compare_norm(learner, f"norm_type {norm_type}", grads(rng, device), 2.0, norm_type)


def test_skips_missing_grads(learner, device, rng):
    """Parameters whose .grad is None are skipped; with no gradient at all the total is 0."""
    gs = grads(rng, device)
    compare_norm(learner, "a parameter without .grad", [gs[0], None, gs[1]], 1.0)
    got = learner.probe("norm", [None, None], 1.0)
    if not isinstance(got["total"], torch.Tensor) or float(got["total"]) != 0.0:
        raise CheckFailure("with no gradients at all, clip_grad_norm must return a 0-d tensor equal to 0")


def test_generator_and_single_tensor(learner, device, rng):
    """A generator (like model.parameters()) is read once and still clipped; a single tensor works too."""
    got = compare_norm(learner, "parameters given as a generator", grads(rng, device), 1.0, as_generator=True)
    if not got["in_place"]:
        raise CheckFailure("clip_grad_norm must scale each .grad in place (mul_), not assign new tensors")
    compare_norm(learner, "a single tensor", grads(rng, device, shapes=((6,),)), 1.0, single=True)


def test_clip_value_matches_torch(learner, device, rng):
    """clip_grad_value equals torch.nn.utils.clip_grad_value_, in place, skipping missing gradients."""
    gs = grads(rng, device)
    for clip in (0.1, 3.0):
        mixed = [gs[0], None, gs[1], gs[2]]
        got = learner.probe("value", mixed, clip)
        want = probes.run_value(torch.nn.utils.clip_grad_value_, mixed, clip)
        for i, (a, b) in enumerate(zip(got["grads"], want["grads"])):
            if b is None:
                if a is not None:
                    raise CheckFailure("a parameter without a gradient must keep .grad None")
                continue
            expect_close(a, b, rtol=0.0, atol=0.0, what=f"gradient {i} after clip_grad_value({clip})")
        if not got["in_place"]:
            raise CheckFailure("clip_grad_value must modify .grad in place")


def test_no_torch_clipping(learner, source, device, rng):
    """The clipping is your own: torch.nn.utils' clipping functions are not used (and yours works)."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the clipping yourself")
    compare_norm(learner, "max_norm 1", grads(rng, device), 1.0)
