"""Hidden graders for fix-mlp-backprop: random shapes and values per run, float64 against autograd, no autograd inside."""

import ast

import torch

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, expect_tensor

BANNED = ["torch.autograd.grad", "torch.autograd.backward", "torch.autograd.functional.jacobian",
          "torch.autograd.functional.vjp", "torch.func.grad", "torch.func.grad_and_value", "torch.func.vjp",
          "torch.func.jacrev"]
NAMES = ("x", "W1", "b1", "W2", "b2")
# (N, D, H, K): several outputs (so that mean != sum / N), a single sample, a single output
SHAPES = [(6, 4, 5, 3), (1, 3, 4, 2), (5, 2, 3, 1)]


def problem(rng, device, shape, dtype=torch.float64, scale=1.0):
    n, d, h, k = shape

    def r(*s):
        return (torch.randn(s, generator=rng, dtype=torch.float64) * scale).to(device, dtype)

    return r(n, d), r(h, d), r(h), r(k, h), r(k), r(n, k)


def reference(x, W1, b1, W2, b2, t):
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.mse_loss(torch.sigmoid(xl @ W1l.T + b1l) @ W2l.T + b2l, t)
    return loss.detach(), dict(zip(NAMES, (g.detach() for g in torch.autograd.grad(loss, leaves))))


def learner_grads(learner, args, **kw):
    got = learner.probe("run", *args, **kw)
    if not isinstance(got["grads"], dict):
        raise CheckFailure("mlp_forward_backward must return (loss, dict of gradients)")
    if got["inputs_changed"]:
        raise CheckFailure("mlp_forward_backward must not modify its inputs")
    return got


def compare(learner, rng, device, names, what, **kw):
    for shape in SHAPES:
        args = problem(rng, device, shape)
        got = learner_grads(learner, args, **kw)
        _, want = reference(*args)
        for name in names:
            expect_close(got["grads"].get(name), want[name], rtol=1e-10, atol=1e-12,
                         what=f'grads["{name}"] ({what}) for N, D, H, K = {shape}')


def test_output_layer_grads(learner, device, rng):
    """dL/dW2 and dL/db2 equal autograd's (the sign and the 1/(N*K) of the mean are right)."""
    compare(learner, rng, device, ("W2", "b2"), "the output layer")


def test_hidden_layer_grads(learner, device, rng):
    """dL/dW1 and dL/db1 equal autograd's (sigmoid' applied once, in the right place)."""
    compare(learner, rng, device, ("W1", "b1"), "the hidden layer")


def test_input_grad(learner, device, rng):
    """dL/dx equals autograd's."""
    compare(learner, rng, device, ("x",), "the input")


def test_loss_and_descent_step(learner, device, rng):
    """The loss equals nn.MSELoss's, and a small step against your gradients lowers it."""
    args = problem(rng, device, SHAPES[0])
    got = learner_grads(learner, args)
    want_loss, _ = reference(*args)
    expect_close(got["loss"], want_loss, rtol=1e-10, atol=1e-12, what="the loss")
    stepped = [a - 0.05 * got["grads"][n] if n in got["grads"] else a for a, n in zip(args, NAMES)]
    new_loss, _ = reference(*stepped[:5], args[5])
    if not bool(new_loss < want_loss):
        raise CheckFailure("a gradient-descent step with your gradients (lr 0.05) does not lower the loss: "
                           "check the sign of dL/do")


def test_float32_shapes_and_dtypes(learner, device, rng):
    """float32 inputs give float32 results of exactly the inputs' shapes, close to autograd's."""
    args = problem(rng, device, SHAPES[0], dtype=torch.float32)
    got = learner_grads(learner, args)
    _, want = reference(*args)
    expect_tensor(got["loss"], what="the loss", shape=(), dtype=torch.float32, device=device)
    for name in NAMES:
        expect_close(got["grads"].get(name), want[name], rtol=1e-4, atol=1e-6, what=f'grads["{name}"] in float32')


def test_large_preactivations(learner, device, rng):
    """With |x W1^T| in the tens (saturated sigmoids), the gradients are finite and still exact."""
    args = problem(rng, device, SHAPES[0], scale=6.0)
    got = learner_grads(learner, args)
    _, want = reference(*args)
    for name in NAMES:
        expect_close(got["grads"].get(name), want[name], rtol=1e-9, atol=1e-12,
                     what=f'grads["{name}"] with saturated sigmoids')


def test_noncontiguous_inputs(learner, device, rng):
    """Transposed (non-contiguous) views of the matrices give the same gradients."""
    compare(learner, rng, device, NAMES, "non-contiguous inputs", noncontiguous=True)


def test_no_autograd(learner, source, device, rng):
    """The gradients are your own: no torch.autograd, .backward() or torch.func, and they are right."""
    used = banned_names_used(source, BANNED)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None and any(isinstance(n, ast.Attribute) and n.attr in ("backward", "requires_grad_")
                                for n in ast.walk(tree)):
        used.append(".backward() / requires_grad_()")
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: compute the gradients with the chain rule yourself")
    args = problem(rng, device, SHAPES[0])
    got = learner_grads(learner, args)
    if got["requires_grad"]:
        raise CheckFailure("your results require grad: they must be plain tensors computed by hand")
    _, want = reference(*args)
    for name in NAMES:
        expect_close(got["grads"].get(name), want[name], rtol=1e-10, atol=1e-12, what=f'grads["{name}"]')
