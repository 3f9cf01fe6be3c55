"""Public graders for fix-mlp-backprop: a small fixed example, compared with autograd in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, summarize

NAMES = ("x", "W1", "b1", "W2", "b2")


def autograd_reference(x, W1, b1, W2, b2, t):
    """What autograd says, computed here in the judge: the loss and the gradients for every input but t."""
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.mse_loss(torch.sigmoid(xl @ W1l.T + b1l) @ W2l.T + b2l, t)
    grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), dict(zip(NAMES, grads))


def unpack(result, inputs=""):
    """(loss, grads) from what mlp_forward_backward returned, or a teaching failure."""
    detail = (f"inputs: {inputs}\n" if inputs else "") + f"received {summarize(result)}"
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure("mlp_forward_backward must return a pair (loss, grads)", detail)
    loss, grads = result
    if not isinstance(grads, dict):
        raise CheckFailure("the second result must be a dict of gradients", detail)
    if sorted(grads) != sorted(NAMES):
        raise CheckFailure('grads must have exactly the keys "W1", "b1", "W2", "b2" and "x"',
                           f"received the keys {sorted(map(str, grads))}")
    return loss, grads


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
    loss, grads = unpack(got["result"], inputs)
    want_loss, want = autograd_reference(x, W1, b1, W2, b2, t)
    expect_close(loss, want_loss, what="the loss (a 0-d tensor)", inputs=inputs, rtol=1e-10, atol=1e-12)
    for name in ("W2", "b2", "W1", "b1", "x"):
        expect_close(grads[name], want[name], what=f'grads["{name}"]', inputs=inputs, rtol=1e-10, atol=1e-12)
