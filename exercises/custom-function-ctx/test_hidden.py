"""Hidden graders for custom-function-ctx: random inputs per run, gradcheck, what backward skips, non-differentiable outputs."""

import torch

from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_equal


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def test_matmul_gradcheck(learner, device, rng):
    """MatMul matches a @ b and passes gradcheck and gradgradcheck for square, tall, wide and (1, k) shapes."""
    fn = learner.function("MatMul.apply")
    for n, k, m in ((3, 3, 3), (4, 2, 1), (1, 5, 3)):
        a = rand(rng, n, k, device=device).requires_grad_()
        b = rand(rng, k, m, device=device).requires_grad_()
        expect_close(learner.call("MatMul.apply", a.detach(), b.detach()), (a @ b).detach(), rtol=1e-12, atol=1e-12,
                     what=f"MatMul.apply for shapes ({n}, {k}) @ ({k}, {m})")
        check_gradients(fn, (a, b), what=f"MatMul for ({n}, {k}) @ ({k}, {m})", fast=True)
    a = rand(rng, 2, 3, device=device).requires_grad_()
    b = rand(rng, 3, 2, device=device).requires_grad_()
    check_gradients(fn, (a, b), what="MatMul", second_order=True, fast=True)


def test_matmul_skips_unneeded_gradients(learner, device, rng):
    """With only one input requiring grad, backward returns None for the other (ctx.needs_input_grad)."""
    a, b = rand(rng, 3, 5, device=device), rand(rng, 5, 7, device=device)
    g = torch.ones(3, 7, dtype=torch.float64, device=device)
    for a_needs, b_needs in ((True, False), (False, True)):
        got = learner.probe("backward_returns", a, b, a_needs, b_needs)
        if not isinstance(got, list) or len(got) != 2:
            raise CheckFailure("MatMul.backward must return one value per input of forward (2)")
        needed, skipped = (0, 1) if a_needs else (1, 0)
        want = g @ b.T if a_needs else a.T @ g
        expect_close(got[needed], want, rtol=1e-12, atol=1e-12, what="the gradient that is needed")
        if got[skipped] is not None:
            raise CheckFailure(f"backward computed a gradient for {'ab'[skipped]} although it does not require grad: "
                               "check ctx.needs_input_grad and return None for it")


def test_sort_matches_torch(learner, device, rng):
    """Values and indices equal torch.sort's along dim 0 and -1, ascending and descending, for 1-D to 3-D inputs."""
    for shape, dim, desc in (((7,), -1, False), ((4, 5), 0, True), ((2, 3, 4), 1, False), ((3, 4), -1, True)):
        x = rand(rng, *shape, device=device)
        got = learner.probe("outputs", "Sort", x, dim, desc)
        want_v, want_i = torch.sort(x, dim=dim, descending=desc)
        if len(got["outs"]) != 2:
            raise CheckFailure("Sort.apply must return (values, indices)")
        expect_close(got["outs"][0], want_v, rtol=0.0, atol=0.0, what=f"the values for shape {shape}, dim {dim}")
        expect_close(got["outs"][1], want_i, what=f"the indices for shape {shape}, dim {dim}")


def test_sort_gradients(learner, device, rng):
    """The gradient of the values goes back to the sorted-from positions (gradcheck and gradgradcheck, any dim)."""
    for shape, dim, desc in (((6,), -1, False), ((3, 4), 0, True), ((2, 3, 4), 1, False)):
        x = rand(rng, *shape, device=device)
        g = rand(rng, *shape, device=device)
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad((torch.sort(xr, dim=dim, descending=desc)[0] * g).sum(), xr)
        expect_close(learner.probe("values_grad", "Sort", x, g, dim, desc), want, rtol=1e-12, atol=1e-12,
                     what=f"the gradient through Sort for shape {shape}, dim {dim}")
    fn = learner.function("Sort.apply")
    x = rand(rng, 3, 4, device=device).requires_grad_()
    check_gradients(lambda t: fn(t)[0], (x,), what="Sort's values", second_order=True, fast=True)


def test_sort_indices_not_differentiable(learner, device, rng):
    """The indices are int64 and do not require grad; the values do."""
    got = learner.probe("outputs", "Sort", rand(rng, 3, 4, device=device), 0, False)
    expect_equal(got["requires_grad"], [True, False], what="requires_grad of (values, indices)")
    if got["outs"][1].dtype != torch.int64:
        raise CheckFailure("the indices must be an int64 tensor, as torch.sort's")


def test_clamp_matches_torch(learner, device, rng):
    """Clamp's values equal torch.clamp's and its gradient too, at the boundaries included (gradient 1 there)."""
    x = torch.cat([rand(rng, 20, device=device, scale=2.0),
                   torch.tensor([-1.0, 1.0, -1.5, 0.5], dtype=torch.float64, device=device)])
    for low, high in ((-1.0, 1.0), (-1.5, 0.5)):
        got = learner.probe("outputs", "Clamp", x, low, high)
        expect_close(got["outs"][0], torch.clamp(x, low, high), rtol=0.0, atol=0.0, what=f"Clamp(x, {low}, {high})")
        expect_close(got["outs"][1], ((x < low) | (x > high)).to(x.dtype), rtol=0.0, atol=0.0,
                     what=f"the clipped mask of Clamp(x, {low}, {high})")
        g = rand(rng, x.shape[0], device=device)
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad((torch.clamp(xr, low, high) * g).sum(), xr)
        expect_close(learner.probe("values_grad", "Clamp", x, g, low, high), want, rtol=1e-12, atol=1e-12,
                     what=f"the gradient of Clamp(x, {low}, {high}) (a loss that also uses the mask)")
    # double backward: differentiating the gradient with respect to the incoming gradient gives (1 - clipped) v
    g, v = rand(rng, x.shape[0], device=device), rand(rng, x.shape[0], device=device)
    expect_close(learner.probe("clamp_double_backward", x, g, v, -1.0, 1.0), v * ((x >= -1.0) & (x <= 1.0)).to(x.dtype),
                 rtol=1e-12, atol=1e-12, what="the double backward of Clamp (build backward from differentiable ops)")


def test_clamp_mask_not_differentiable(learner, device, rng):
    """The float mask is marked non-differentiable: requires_grad False, with x's dtype."""
    for dtype in (torch.float32, torch.float64):
        x = rand(rng, 5, device=device).to(dtype)
        got = learner.probe("outputs", "Clamp", x, -0.5, 0.5)
        expect_equal(got["requires_grad"], [True, False], what=f"requires_grad of (clamped, clipped) in {dtype}")
        if got["outs"][1].dtype != dtype:
            raise CheckFailure("the clipped mask must have x's dtype")
