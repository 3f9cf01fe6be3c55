"""Public graders for mlp-backprop-cross-entropy: a small fixed example, compared with autograd."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def autograd_reference(x, y, W1, b1, W2, b2):
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.cross_entropy(torch.tanh(xl @ W1l.T + b1l) @ W2l.T + b2l, y)
    grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), dict(zip(("x", "W1", "b1", "W2", "b2"), grads))


def test_example(learner, device):
    """On 3 samples and 3 classes, the loss equals F.cross_entropy's and the gradients autograd's."""
    f64 = dict(dtype=torch.float64, device=device)
    x = torch.tensor([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0]], **f64)
    y = torch.tensor([0, 2, 1], device=device)
    W1 = torch.tensor([[0.3, -0.1], [0.2, 0.4]], **f64)
    b1 = torch.tensor([0.0, 0.1], **f64)
    W2 = torch.tensor([[0.5, -0.5], [1.0, 0.2], [-0.3, 0.8]], **f64)
    b2 = torch.tensor([0.1, 0.0, -0.1], **f64)
    inputs = ("x=[[1, -1], [0.5, 2], [-1.5, 0]], y=[0, 2, 1], W1=[[0.3, -0.1], [0.2, 0.4]], b1=[0, 0.1], "
              "W2=[[0.5, -0.5], [1, 0.2], [-0.3, 0.8]], b2=[0.1, 0, -0.1] (float64)")
    got = learner.probe("run", x, y, W1, b1, W2, b2)
    loss, grads = autograd_reference(x, y, W1, b1, W2, b2)
    expect_close(got["loss"], loss, what="the loss", inputs=inputs, rtol=1e-10, atol=1e-12)
    if not isinstance(got["grads"], dict):
        raise CheckFailure("the second result must be a dict of gradients", f"received {type(got['grads']).__name__}")
    for name in ("W2", "b2", "W1", "b1", "x"):
        expect_close(got["grads"].get(name), grads[name], what=f'grads["{name}"]', inputs=inputs,
                     rtol=1e-10, atol=1e-12)
