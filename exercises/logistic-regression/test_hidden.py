"""Hidden graders for logistic-regression: random data, gradients against autograd, gradient descent replayed."""

import ast

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor

# attribute names (x.backward(), w.grad, torch.autograd, torch.optim, ...) and keywords (requires_grad=True)
AUTOGRAD = {"backward", "grad", "requires_grad", "requires_grad_", "enable_grad", "autograd", "optim"}


def data(rng, device, n=40, d=3, scale=1.0):
    X = (torch.randn(n, d, generator=rng, dtype=torch.float64) * scale).to(device)
    w_true = torch.randn(d, generator=rng, dtype=torch.float64).to(device)
    y = (torch.rand(n, generator=rng, dtype=torch.float64).to(device) < torch.sigmoid(X @ w_true * 2)).double()
    return X, y


def autograd_loss_and_grad(X, y, w, b):
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    loss = F.binary_cross_entropy_with_logits(X @ w + b, y)
    dw, db = torch.autograd.grad(loss, (w, b))
    return loss.detach(), dw, db


def test_gradient_matches_autograd(learner, device, rng):
    """loss_and_grad returns the mean BCE and its exact gradient (compared with autograd), in float64."""
    for _ in range(3):
        X, y = data(rng, device)
        w = torch.randn(3, generator=rng, dtype=torch.float64).to(device)
        b = torch.randn((), generator=rng, dtype=torch.float64).to(device)
        got = learner.call("loss_and_grad", X, y, w, b)
        if not isinstance(got, tuple) or len(got) != 3:
            raise CheckFailure("loss_and_grad must return (loss, dloss/dw, dloss/db)")
        for name, a, e in zip(("the loss", "dloss/dw", "dloss/db"), got, autograd_loss_and_grad(X, y, w, b)):
            expect_close(a, e, rtol=1e-10, atol=1e-12, what=name)


def test_large_logits_are_stable(learner, device, rng):
    """With logits in the hundreds the loss stays finite and exact (no log(0)): use softplus or logsigmoid."""
    X, y = data(rng, device, scale=300.0)
    w = torch.randn(3, generator=rng, dtype=torch.float64).to(device)
    b = torch.tensor(0.0, dtype=torch.float64, device=device)
    got = learner.call("loss_and_grad", X, y, w, b)
    for name, a, e in zip(("the loss", "dloss/dw", "dloss/db"), got, autograd_loss_and_grad(X, y, w, b)):
        expect_close(a, e, rtol=1e-9, atol=1e-12, what=f"{name} with logits in the hundreds")


def test_predict_proba(learner, device, rng):
    """predict_proba is sigmoid(X @ w + b), shape (n,)."""
    X, _ = data(rng, device)
    w = torch.randn(3, generator=rng, dtype=torch.float64).to(device)
    b = torch.randn((), generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("predict_proba", X, w, b), torch.sigmoid(X @ w + b), rtol=1e-12, atol=1e-14,
                 what="predict_proba")


def test_gradient_descent_steps(learner, device, rng):
    """fit_logistic starts at zero and takes plain steps w -= lr * dw, b -= lr * db: replayed with autograd in the judge."""
    X, y = data(rng, device)
    w, b, got = learner.call("fit_logistic", X, y, 0.5, 25)
    rw = torch.zeros(3, dtype=torch.float64, device=device)
    rb = torch.zeros((), dtype=torch.float64, device=device)
    losses = []
    for _ in range(25):
        loss, dw, db = autograd_loss_and_grad(X, y, rw, rb)
        rw, rb = rw - 0.5 * dw, rb - 0.5 * db
        losses.append(loss.item())
    expect_close(w, rw, rtol=1e-10, atol=1e-12, what="w after 25 steps")
    expect_close(b, rb, rtol=1e-10, atol=1e-12, what="b after 25 steps")
    if not isinstance(got, list) or len(got) != 25:
        raise CheckFailure("fit_logistic must return the 25 losses, one float per step")
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(losses, dtype=torch.float64), rtol=1e-10,
                 atol=1e-12, what="the losses of the 25 steps")


def test_learns_a_separating_line(learner, device, rng):
    """On two Gaussian blobs, 300 steps reach 95% training accuracy."""
    direction = torch.randn(2, generator=rng, dtype=torch.float64)
    centres = torch.stack([direction, -direction]) * 2.5 / direction.norm() + torch.randn(2, generator=rng,
                                                                                         dtype=torch.float64)
    y = torch.randint(0, 2, (200,), generator=rng)
    X = (centres[y] + torch.randn(200, 2, generator=rng, dtype=torch.float64)).to(device)
    w, b, _ = learner.call("fit_logistic", X, y.double().to(device), 0.5, 300)
    expect_tensor(w, what="w", shape=(2,), dtype=torch.float64, device=device)
    if not ((torch.sigmoid(X @ w + b) > 0.5).long().cpu() == y).double().mean() >= 0.95:
        raise CheckFailure("fit_logistic should separate two well separated blobs (95% accuracy)")


def test_gradient_written_by_hand(learner, source, device, rng):
    """No autograd and no torch.optim: the gradient and the descent steps are written out."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = ast.parse("")
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg}
    names |= {a.name.split(".")[-1] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    names |= {n.module.split(".")[-1] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    used = sorted(names & AUTOGRAD)
    if used:
        raise CheckFailure(f"write the gradient by hand: your code uses {', '.join(used)}")
    test_gradient_matches_autograd(learner, device, rng)
