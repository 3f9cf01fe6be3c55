"""Hidden graders for autograd-mul: random inputs chosen per run (zeros and both signs planted), broadcasting,
what backward itself returns, dtypes, double backward."""

import torch

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, summarize

# (shape of x, shape of y): equal shapes, broadcasting both ways, a scalar, an empty tensor, a new leading dimension
SHAPES = [((5,), (5,)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 2)), ((0, 3), (1, 3)), ((2, 3, 4), (4,)),
          ((4, 1, 3), (2, 1)), ((2, 2), ()), ((1, 3, 1), (2, 3, 4)), ((2, 3, 4), (2, 1, 1))]
# ((1, 3, 1), (2, 3, 4)) and ((2, 3, 4), (2, 1, 1)): one input broadcast along two size-1 dimensions at once (summing
# them one by one without keepdim shifts the axes after the first sum).
# Two more for what backward itself returns (the engine hides them everywhere else): the other input only adds
# leading dimensions of size 1, so grad_z has exactly as many elements as the lower-rank input but not its shape (a
# backward that skips the reduction when the element counts match returns (1, 3, 4) for x of shape (3, 4)).
SAME_NUMEL = [((3, 4), (1, 3, 4)), ((1, 1, 2, 3), (2, 3))]


def rand(rng, shape, device, dtype=torch.float64, scale=3.0):
    """Both signs and an exact zero in every tensor of 4+ elements: a backward that divides the output by an input
    (g * z / x) gives nan there."""
    return kit.adversarial(rng, shape, dtype=dtype, device=device, scale=scale)


def grid(rng, shape, device, dtype):
    """Values on a grid of quarters in [-2, 2]: every product and every sum of a few of them is exact in float16 and
    bfloat16, so any correct order of operations gives the same bits and the kit's tolerance is only slack."""
    return (torch.randint(-8, 9, shape, generator=rng).to(torch.float64) / 4).to(device=device, dtype=dtype)


def want_grads(x, y, g):
    return (g * y).sum_to_size(x.shape), (g * x).sum_to_size(y.shape)


def test_forward_matches_mul(learner, device, rng):
    """Mul.apply(x, y) equals x * y for broadcasting shapes, zeros, both signs and large magnitudes."""
    for xs, ys in SHAPES:
        x, y = rand(rng, xs, device), rand(rng, ys, device)
        expect_close(learner.call("Mul.apply", x, y), x * y, rtol=0, atol=0,
                     what=f"Mul.apply(x, y) for shapes {xs} and {ys}")
    big = rand(rng, (4,), device, scale=1e150)
    expect_close(learner.call("Mul.apply", big, big), big * big, what="Mul.apply(x, y) for |x| near 1e150")


TWO_CALLS_FIX = ("if a single call's gradients are wrong too (the other graders), fix those first (the formula, the "
                 "reduction to each input's shape, the incoming gradient); if only this case fails, keep what backward "
                 "needs on ctx (ctx.save_for_backward, ctx attributes), never on the class, the module or a global, "
                 "which the next call overwrites")


def test_grad_shapes_broadcast(learner, device, rng):
    """Both gradients have their input's shape and the right values, summed over broadcast dimensions (an input
    broadcast along two size-1 dimensions at once included); the same tensor passed as both inputs
    (Mul.apply(x, x), or x and a view of it) gets both gradients, 2 * g * x, as x * x does; and two calls made one
    after the other before one backward through both each get the gradients of their own inputs."""
    fn = learner.function("Mul.apply")
    x1, y1, x2, y2 = (rand(rng, s, device) for s in ((3, 1), (1, 4), (2, 3), (3,)))
    g1, g2 = rand(rng, (3, 4), device), rand(rng, (2, 3), device)
    calls, incoming = [(x1, y1), (x2, y2)], [g1, g2]
    kit.expect_own_gradients(lambda: learner.probe("two_products", calls, incoming),
                             drive.grads_of_calls(torch.mul, calls, incoming),
                             ("x of the first call", "y of the first call", "x of the second call", "y of the second call"),
                             what="Mul.apply(x1, y1) and then Mul.apply(x2, y2) run before one backward through both",
                             fix=TWO_CALLS_FIX)
    x, g = rand(rng, (5,), device), rand(rng, (5,), device)
    for shown, view in (("Mul.apply(x, x)", False), ("Mul.apply(x, x.view(5))", True)):
        expect_close(learner.probe("self_product", x, g, view), 2 * g * x,
                     what=f"the gradient for x of {shown} under a non-uniform incoming gradient g (2 * g * x: "
                     "backward returns grad_z * y for the first input and grad_z * x for the second, one per input "
                     "even when both are the same tensor, and the engine adds them up)")
    for xs, ys in SHAPES:
        x = rand(rng, xs, device).requires_grad_()
        y = rand(rng, ys, device).requires_grad_()
        out = fn(x, y)
        g = rand(rng, tuple(out.shape), device)
        gx, gy = torch.autograd.grad(out, (x, y), g)
        wx, wy = want_grads(x.detach(), y.detach(), g)
        expect_close(gx, wx, what=f"the gradient for x of shape {xs} (y: {ys})")
        expect_close(gy, wy, what=f"the gradient for y of shape {ys} (x: {xs})")


def _raw(learner, x, y, g, x_needs=True, y_needs=True):
    got = learner.probe("raw_backward", x, y, g, x_needs, y_needs)
    if isinstance(got, str):
        raise CheckFailure("Mul.apply(x, y) must return a tensor that is part of the graph (it has no grad_fn) "
                           "when an input requires grad")
    if not isinstance(got, list) or len(got) != 2:
        raise CheckFailure("Mul.backward must return exactly two values, one per input of forward",
                           f"it returned {summarize(got)}")
    return got


def test_backward_returns_input_shapes(learner, device, rng):
    """backward itself returns one gradient per input, each with exactly that input's shape (reduced over broadcasting,
    leading dimensions of size 1 included)."""
    for xs, ys in SHAPES + SAME_NUMEL:
        x, y = rand(rng, xs, device), rand(rng, ys, device)
        g = rand(rng, torch.broadcast_shapes(xs, ys), device)
        got = _raw(learner, x, y, g)
        for name, value, want, shape in (("x", got[0], want_grads(x, y, g)[0], xs),
                                         ("y", got[1], want_grads(x, y, g)[1], ys)):
            if not isinstance(value, torch.Tensor):
                raise CheckFailure(f"Mul.backward must return a gradient tensor for {name} when it requires grad",
                                   f"it returned {summarize(value)}")
            if tuple(value.shape) != tuple(shape):
                raise CheckFailure(f"the gradient Mul.backward returns for {name} has shape {tuple(value.shape)}, "
                                   f"but {name} has shape {tuple(shape)} (x: {xs}, y: {ys}): sum it over the "
                                   "broadcast dimensions back to its input's shape, leading dimensions of size 1 "
                                   "included (the same number of elements is not the same shape)")
            expect_close(value, want, what=f"the gradient backward returns for {name} (x: {xs}, y: {ys})")


def test_gradcheck(learner, device, rng):
    """torch.autograd.gradcheck passes in float64 (analytic backward against central differences)."""
    fn = learner.function("Mul.apply")
    for xs, ys in SHAPES[1:3]:  # broadcasting both ways; the equal-shape case is covered above
        x = rand(rng, xs, device, scale=1.0).requires_grad_()
        y = rand(rng, ys, device, scale=1.0).requires_grad_()
        check_gradients(fn, (x, y), what=f"Mul for shapes {xs} and {ys}", reference=torch.mul, fast=True)


def test_gradgradcheck(learner, device, rng):
    """Double backward works: gradgradcheck passes in float64, broadcasting included, and when an input has a single
    element (turning it into a Python number, y.item(), drops its part of the double backward)."""
    fn = learner.function("Mul.apply")
    # broadcasting: the double backward must reduce too; then one-element inputs: 0-d and shape (1,)
    for xs, ys in (SHAPES[1], SHAPES[2], SHAPES[3], SHAPES[7], ((3,), (1,)), ((1,), (2, 3))):
        x = rand(rng, xs, device, scale=1.0).requires_grad_()
        y = rand(rng, ys, device, scale=1.0).requires_grad_()
        check_gradients(fn, (x, y), what=f"Mul for shapes {xs} and {ys}", reference=torch.mul, second_order=True,
                        fast=True)


def test_dtypes_preserved(learner, device, rng):
    """Output and gradients keep the inputs' dtype and are right in float16, bfloat16, float32 and float64; with
    inputs of two different float dtypes the output has the dtype x * y has (torch's type promotion)."""
    fn = learner.function("Mul.apply")
    for dtype in kit.float_dtypes():
        x = grid(rng, (3, 1), device, dtype).requires_grad_()
        y = grid(rng, (1, 4), device, dtype).requires_grad_()
        out = fn(x, y)
        xd, yd = x.detach().double(), y.detach().double()
        kit.expect_close_in(out, xd * yd, dtype=dtype, what=f"Mul.apply(x, y) in {dtype}")
        g = grid(rng, (3, 4), device, dtype)
        gx, gy = torch.autograd.grad(out, (x, y), g)
        wx, wy = want_grads(xd, yd, g.double())
        kit.expect_close_in(gx, wx, dtype=dtype, what=f"the gradient for x in {dtype}")
        kit.expect_close_in(gy, wy, dtype=dtype, what=f"the gradient for y in {dtype}")
    # mixed float dtypes: x * y promotes (float32 * float64 is float64), so Mul.apply(x, y) must too; the engine
    # hands each input a gradient of its own dtype
    for dx, dy in ((torch.float32, torch.float64), (torch.float64, torch.float32), (torch.float16, torch.float32)):
        x = grid(rng, (3, 1), device, dx)
        y = grid(rng, (1, 4), device, dy)
        out = learner.call("Mul.apply", x, y)
        expect_close(out, x * y, what=f"Mul.apply(x, y) for x in {dx} and y in {dy} (it must have the dtype of "
                     "x * y: do not cast the result to one input's dtype)")
        xl, yl = x.clone().requires_grad_(), y.clone().requires_grad_()
        g = grid(rng, (3, 4), device, (x * y).dtype)
        gx, gy = torch.autograd.grad(fn(xl, yl), (xl, yl), g)
        wx, wy = want_grads(x.double(), y.double(), g.double())
        kit.expect_close_in(gx, wx, dtype=dx, what=f"the gradient for x in {dx} (y in {dy})")
        kit.expect_close_in(gy, wy, dtype=dy, what=f"the gradient for y in {dy} (x in {dx})")


def test_none_for_input_without_grad(learner, device, rng):
    """When only one input requires grad, backward returns None for the other and the right gradient for it."""
    for xs, ys in (SHAPES[1], SHAPES[2], SHAPES[5]):
        x, y = rand(rng, xs, device), rand(rng, ys, device)
        g = rand(rng, torch.broadcast_shapes(xs, ys), device)
        wx, wy = want_grads(x, y, g)
        for x_needs, name, other, want in ((True, "x", "y", wx), (False, "y", "x", wy)):
            got = _raw(learner, x, y, g, x_needs, not x_needs)
            needed, skipped = (got[0], got[1]) if x_needs else (got[1], got[0])
            if skipped is not None:
                raise CheckFailure(f"with only {name} requiring grad, Mul.backward must return None for {other} "
                                   "(ctx.needs_input_grad)", f"it returned {summarize(skipped)}")
            expect_close(needed, want, what=f"the gradient for {name} when only {name} requires grad")
        # and through the engine, as a loss would use it
        fn = learner.function("Mul.apply")
        yl = y.clone().requires_grad_()
        (gy,) = torch.autograd.grad(fn(x, yl), (yl,), g)
        expect_close(gy, wy, what="the gradient for y when x does not require grad")


def test_uses_incoming_gradient(learner, device, rng):
    """backward multiplies by the incoming gradient: zero, negative and scaled incoming gradients; and it only reads
    it: the caller's grad_outputs tensor (and x, y) keep their values after autograd.grad and .backward, for every
    shape (a backward that writes into grad_z in place, grad_z.mul_(x), corrupts the caller's tensor)."""
    fn = learner.function("Mul.apply")
    x = rand(rng, (6,), device).requires_grad_()
    y = rand(rng, (6,), device).requires_grad_()
    for g in (torch.full((6,), 3.0, dtype=torch.float64, device=device),
              torch.tensor([0.0, -1.0, 2.0, 0.0, -0.5, 1.0], dtype=torch.float64, device=device)):
        gx, gy = torch.autograd.grad(fn(x, y), (x, y), g)
        expect_close(gx, (g * y).detach(), what="the gradient for x under a non-uniform incoming gradient")
        expect_close(gy, (g * x).detach(), what="the gradient for y under a non-uniform incoming gradient")
    for xs, ys in SHAPES:
        x, y = rand(rng, xs, device), rand(rng, ys, device)
        g = rand(rng, torch.broadcast_shapes(xs, ys), device)
        grads, accumulated, x_after, y_after, g_after = learner.probe("grads_then_inputs", x, y, g)
        for name, after, sent in (("the incoming gradient grad_z", g_after, g), ("x", x_after, x),
                                  ("y", y_after, y)):
            if not isinstance(after, torch.Tensor) or not torch.equal(after, sent):
                raise CheckFailure(f"Mul.backward changed the values of {name} in place (x: {xs}, y: {ys}): "
                                   "it must only read grad_z and the saved tensors; build new tensors "
                                   "(grad_z * y), never write into them (mul_, out=, .data)")
        wx, wy = want_grads(x, y, g)
        for how, (gx, gy) in (("torch.autograd.grad", grads), (".backward", accumulated)):
            expect_close(gx, wx, what=f"the gradient for x through {how} (x: {xs}, y: {ys})")
            expect_close(gy, wy, what=f"the gradient for y through {how} (x: {xs}, y: {ys})")
