"""Public graders for fix-mlp-backprop: a small fixed example, compared with autograd."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def autograd_reference(x, W1, b1, W2, b2, t):
    """What autograd says: the loss and the gradients for every input but the target."""
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.mse_loss(torch.sigmoid(xl @ W1l.T + b1l) @ W2l.T + b2l, t)
    grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), dict(zip(("x", "W1", "b1", "W2", "b2"), grads))


def test_example_gradients(learner, device):
    """On a 2-sample example, the loss and all five gradients equal autograd's."""
    f64 = dict(dtype=torch.float64, device=device)
    x = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0]], **f64)
    W1 = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], **f64)
    b1 = torch.tensor([0.1, -0.1], **f64)
    W2 = torch.tensor([[0.7, -0.8], [0.2, 0.3]], **f64)
    b2 = torch.tensor([0.05, -0.05], **f64)
    t = torch.tensor([[1.0, 0.0], [0.0, 1.0]], **f64)
    inputs = ("x=[[1, 2, -1], [0.5, -0.5, 2]], W1=[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b1=[0.1, -0.1], "
              "W2=[[0.7, -0.8], [0.2, 0.3]], b2=[0.05, -0.05], t=[[1, 0], [0, 1]] (float64)")
    got = learner.probe("run", x, W1, b1, W2, b2, t)
    loss, grads = autograd_reference(x, W1, b1, W2, b2, t)
    expect_close(got["loss"], loss, what="the loss", inputs=inputs, rtol=1e-10, atol=1e-12)
    if not isinstance(got["grads"], dict):
        raise CheckFailure("the second result must be a dict of gradients", f"received {type(got['grads']).__name__}")
    for name in ("W2", "b2", "W1", "b1", "x"):
        expect_close(got["grads"].get(name), grads[name], what=f'grads["{name}"]', inputs=inputs,
                     rtol=1e-10, atol=1e-12)
