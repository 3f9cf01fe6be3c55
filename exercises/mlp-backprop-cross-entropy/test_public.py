"""Public graders for mlp-backprop-cross-entropy: a small fixed example, compared with autograd in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, summarize

NAMES = ("x", "W1", "b1", "W2", "b2")


def autograd_reference(x, y, W1, b1, W2, b2):
    """What F.cross_entropy and autograd say, computed here in the judge."""
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.cross_entropy(torch.tanh(xl @ W1l.T + b1l) @ W2l.T + b2l, y)
    grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), dict(zip(NAMES, grads))


def unpack(result, inputs=""):
    """(loss, grads) from what tanh_mlp_ce_backward returned, or a teaching failure."""
    detail = (f"inputs: {inputs}\n" if inputs else "") + f"received {summarize(result)}"
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure("tanh_mlp_ce_backward must return a pair (loss, grads)", detail)
    loss, grads = result
    if not isinstance(grads, dict):
        raise CheckFailure("the second result must be a dict of gradients", detail)
    if sorted(map(str, grads)) != sorted(NAMES):
        raise CheckFailure('grads must have exactly the keys "W1", "b1", "W2", "b2" and "x"',
                           f"received the keys {sorted(map(str, grads))}")
    return loss, grads


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
    loss, grads = unpack(got["result"], inputs)
    want_loss, want = autograd_reference(x, y, W1, b1, W2, b2)
    expect_close(loss, want_loss, what="the loss (a 0-d tensor)", inputs=inputs, rtol=1e-10, atol=1e-12)
    for name in ("W2", "b2", "W1", "b1", "x"):
        expect_close(grads[name], want[name], what=f'grads["{name}"]', inputs=inputs, rtol=1e-10, atol=1e-12)
