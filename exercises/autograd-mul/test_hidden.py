"""Hidden graders for autograd-mul: random inputs chosen per run, broadcasting, dtypes, double backward."""

import torch

from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor

# (shape of x, shape of y): equal shapes, broadcasting both ways, a scalar, an empty tensor
SHAPES = [((5,), (5,)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 2)), ((0, 3), (1, 3)), ((2, 3, 4), (4,))]


def rand(rng, shape, device, dtype=torch.float64, scale=3.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device=device, dtype=dtype)


def test_forward_matches_mul(learner, device, rng):
    """Mul.apply(x, y) equals x * y for broadcasting shapes, large magnitudes and non-contiguous inputs."""
    for xs, ys in SHAPES:
        x, y = rand(rng, xs, device), rand(rng, ys, device)
        expect_close(learner.call("Mul.apply", x, y), x * y, what=f"Mul.apply(x, y) for shapes {xs} and {ys}")
    big = rand(rng, (4,), device, scale=1e150)
    expect_close(learner.call("Mul.apply", big, big), big * big, what="Mul.apply(x, y) for |x| near 1e150")
    nc = rand(rng, (4, 6), device).t()  # a transposed, non-contiguous view
    expect_close(learner.call("Mul.apply", nc, nc), nc * nc, what="Mul.apply(x, y) for non-contiguous inputs")


def test_grad_shapes_broadcast(learner, device, rng):
    """Each gradient has exactly its input's shape, summed over broadcast dimensions."""
    fn = learner.function("Mul.apply")
    for xs, ys in SHAPES:
        x = rand(rng, xs, device).requires_grad_()
        y = rand(rng, ys, device).requires_grad_()
        out = fn(x, y)
        g = rand(rng, tuple(out.shape), device)
        gx, gy = torch.autograd.grad(out, (x, y), g)
        expect_close(gx, (g * y).sum_to_size(xs).detach(), what=f"the gradient for x of shape {xs} (y: {ys})")
        expect_close(gy, (g * x).sum_to_size(ys).detach(), what=f"the gradient for y of shape {ys} (x: {xs})")


def test_backward_returns_input_shapes(learner, device, rng):
    """backward itself returns one gradient per input, each with that input's shape (reduced over broadcasting)."""
    for xs, ys in SHAPES[1:3]:
        x = rand(rng, xs, device).requires_grad_()
        y = rand(rng, ys, device).requires_grad_()
        g = rand(rng, torch.broadcast_shapes(xs, ys), device)
        shapes = learner.probe("raw_backward", x, y, g)
        if not isinstance(shapes, list) or len(shapes) != 2:
            raise CheckFailure("Mul.backward must return exactly two gradients, one per input")
        if shapes != [list(xs), list(ys)]:
            raise CheckFailure(f"Mul.backward returns gradients of shapes {shapes} for inputs of shapes "
                               f"{list(xs)} and {list(ys)}: sum each back to its input's shape")


def test_gradcheck(learner, device, rng):
    """torch.autograd.gradcheck passes in float64 (analytic backward against central differences)."""
    fn = learner.function("Mul.apply")
    for xs, ys in SHAPES[1:3]:  # broadcasting both ways; the equal-shape case is covered above
        x = rand(rng, xs, device, scale=1.0).requires_grad_()
        y = rand(rng, ys, device, scale=1.0).requires_grad_()
        check_gradients(fn, (x, y), what=f"Mul for shapes {xs} and {ys}", reference=torch.mul, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works: gradgradcheck passes in float64."""
    fn = learner.function("Mul.apply")
    for xs, ys in SHAPES[1:2]:  # broadcasting: the double backward must reduce too
        x = rand(rng, xs, device, scale=1.0).requires_grad_()
        y = rand(rng, ys, device, scale=1.0).requires_grad_()
        check_gradients(fn, (x, y), what=f"Mul for shapes {xs} and {ys}", reference=torch.mul, second_order=True,
                        fast=True)


def test_dtypes_preserved(learner, device, rng):
    """Output and gradients keep the inputs' dtype (float16, bfloat16, float32, float64)."""
    fn = learner.function("Mul.apply")
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        x = rand(rng, (3, 1), device, dtype, scale=1.0).requires_grad_()
        y = rand(rng, (1, 4), device, dtype, scale=1.0).requires_grad_()
        out = fn(x, y)
        expect_close(out, (x * y).detach(), what=f"Mul.apply(x, y) in {dtype}")
        gx, gy = torch.autograd.grad(out, (x, y), torch.ones_like(out))
        expect_tensor(gx, what=f"the gradient for x in {dtype}", shape=(3, 1), dtype=dtype, device=device)
        expect_tensor(gy, what=f"the gradient for y in {dtype}", shape=(1, 4), dtype=dtype, device=device)


def test_none_for_input_without_grad(learner, device, rng):
    """With only x requiring grad, backward still gives x the right gradient (y's may be None)."""
    fn = learner.function("Mul.apply")
    x = rand(rng, (2, 3), device).requires_grad_()
    y = rand(rng, (3,), device)
    out = fn(x, y)
    g = rand(rng, (2, 3), device)
    (gx,) = torch.autograd.grad(out, (x,), g)
    expect_close(gx, (g * y).detach(), what="the gradient for x when y does not require grad")
    if out.requires_grad is False:
        raise CheckFailure("the output must require grad when x does")


def test_uses_incoming_gradient(learner, device, rng):
    """backward multiplies by the incoming gradient (a loss of 3 * z.sum() triples the gradients)."""
    fn = learner.function("Mul.apply")
    x = rand(rng, (4,), device).requires_grad_()
    y = rand(rng, (4,), device).requires_grad_()
    gx, gy = torch.autograd.grad(fn(x, y), (x, y), torch.full((4,), 3.0, dtype=torch.float64, device=device))
    expect_close(gx, (3 * y).detach(), what="the gradient for x under an incoming gradient of 3")
    expect_close(gy, (3 * x).detach(), what="the gradient for y under an incoming gradient of 3")
