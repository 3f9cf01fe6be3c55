"""Hidden graders for mlp-backprop-cross-entropy: random problems per run, float64 against autograd."""

import ast

import torch

from grader.judge.checks import CheckFailure, banned_names_used, expect_close, expect_tensor

BANNED = ["torch.autograd.grad", "torch.autograd.backward", "torch.autograd.functional.jacobian",
          "torch.autograd.functional.vjp", "torch.func.grad", "torch.func.grad_and_value", "torch.func.vjp",
          "torch.func.jacrev", "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
          "torch.nn.CrossEntropyLoss", "torch.nn.NLLLoss"]
NAMES = ("x", "W1", "b1", "W2", "b2")
# (N, D, H, C): a batch of 16 with 4 classes, a single sample, two classes
SHAPES = [(16, 5, 6, 4), (1, 3, 4, 3), (7, 2, 3, 2)]


def problem(rng, device, shape, dtype=torch.float64, scale=1.0):
    n, d, h, c = shape

    def r(*s, k=1.0):
        return (torch.randn(s, generator=rng, dtype=torch.float64) * k).to(device, dtype)

    y = torch.randint(0, c, (n,), generator=rng).to(device)
    return r(n, d), y, r(h, d), r(h), r(c, h, k=scale), r(c, k=scale)


def reference(x, y, W1, b1, W2, b2):
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.cross_entropy(torch.tanh(xl @ W1l.T + b1l) @ W2l.T + b2l, y)
    return loss.detach(), dict(zip(NAMES, (g.detach() for g in torch.autograd.grad(loss, leaves))))


def learner_result(learner, args):
    got = learner.probe("run", *args)
    if not isinstance(got["grads"], dict):
        raise CheckFailure("tanh_mlp_ce_backward must return (loss, dict of gradients)")
    if got["inputs_changed"]:
        raise CheckFailure("tanh_mlp_ce_backward must not modify its inputs")
    return got


def compare(learner, rng, device, names, what, shapes=SHAPES, scale=1.0, rtol=1e-10, atol=1e-12):
    for shape in shapes:
        args = problem(rng, device, shape, scale=scale)
        got = learner_result(learner, args)
        want_loss, want = reference(*args)
        if "loss" in names:
            expect_close(got["loss"], want_loss, rtol=rtol, atol=atol, what=f"the loss ({what}) for N, D, H, C = {shape}")
        for name in names:
            if name != "loss":
                expect_close(got["grads"].get(name), want[name], rtol=rtol, atol=atol,
                             what=f'grads["{name}"] ({what}) for N, D, H, C = {shape}')


def test_loss_matches_cross_entropy(learner, device, rng):
    """The loss equals F.cross_entropy (mean over the batch) of the logits."""
    compare(learner, rng, device, ("loss",), "random problems")


def test_output_layer_grads(learner, device, rng):
    """dL/dW2 and dL/db2 equal autograd's: (softmax - onehot) / N through the output layer."""
    compare(learner, rng, device, ("W2", "b2"), "the output layer")


def test_hidden_layer_grads(learner, device, rng):
    """dL/dW1 and dL/db1 equal autograd's: through tanh' = 1 - tanh^2."""
    compare(learner, rng, device, ("W1", "b1"), "the hidden layer")


def test_input_grad(learner, device, rng):
    """dL/dx equals autograd's."""
    compare(learner, rng, device, ("x",), "the input")


def test_large_logits_stay_finite(learner, device, rng):
    """With logits in the hundreds, the loss and the gradients are finite and exact (a stable log-softmax)."""
    compare(learner, rng, device, ("loss",) + NAMES, "logits in the hundreds", shapes=SHAPES[:1], scale=300.0,
            rtol=1e-9, atol=1e-10)


def test_float32(learner, device, rng):
    """float32 inputs give float32 results of the right shapes, close to autograd's."""
    args = problem(rng, device, SHAPES[0], dtype=torch.float32)
    got = learner_result(learner, args)
    want_loss, want = reference(*args)
    expect_tensor(got["loss"], what="the loss", shape=(), dtype=torch.float32, device=device)
    expect_close(got["loss"], want_loss, rtol=1e-5, atol=1e-6, what="the loss in float32")
    for name in NAMES:
        expect_close(got["grads"].get(name), want[name], rtol=1e-4, atol=1e-6, what=f'grads["{name}"] in float32')


def test_no_autograd(learner, source, device, rng):
    """The gradients and the loss are your own (no autograd, .backward(), torch.func or cross_entropy), and right."""
    used = banned_names_used(source, BANNED)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None and any(isinstance(n, ast.Attribute) and n.attr in ("backward", "requires_grad_")
                                for n in ast.walk(tree)):
        used.append(".backward() / requires_grad_()")
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the loss and the chain rule yourself")
    args = problem(rng, device, SHAPES[0])
    got = learner_result(learner, args)
    if got["requires_grad"]:
        raise CheckFailure("your results require grad: they must be plain tensors computed by hand")
    _, want = reference(*args)
    for name in NAMES:
        expect_close(got["grads"].get(name), want[name], rtol=1e-10, atol=1e-12, what=f'grads["{name}"]')
