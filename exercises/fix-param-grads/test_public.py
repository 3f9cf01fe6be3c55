"""Public graders for fix-param-grads."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def reference(W, b, x, t):
    W, b = W.clone().requires_grad_(), b.clone().requires_grad_()
    loss = torch.nn.functional.mse_loss(x @ W.T + b, t)
    gW, gb = torch.autograd.grad(loss, (W, b))
    return {"weight": gW, "bias": gb}


def example(device):
    f64 = dict(dtype=torch.float64, device=device)
    W = torch.arange(15, **f64).reshape(3, 5) / 10
    b = torch.tensor([0.1, 0.0, -0.1], **f64)
    x = torch.tensor([[1.0, 0.0, -1.0, 2.0, 0.5], [0.0, 1.0, 1.0, -1.0, 0.0]], **f64)
    t = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], **f64)
    return W, b, x, t, ("layer = nn.Linear(5, 3) with weight = arange(15).reshape(3, 5) / 10, bias = [0.1, 0, -0.1]; "
                        "x = [[1, 0, -1, 2, 0.5], [0, 1, 1, -1, 0]], t = [[1, 2, 3], [0, 0, 0]] (float64)")


def test_param_grads_example(learner, device):
    """param_grads returns {'weight': (3, 5) gradient, 'bias': (3,) gradient}, equal to autograd's."""
    W, b, x, t, inputs = example(device)
    got = learner.probe("param_grads", "linear", [W, b], x, t)["value"]
    if not isinstance(got, dict) or sorted(got) != ["bias", "weight"]:
        raise CheckFailure("param_grads must return a dict with the keys 'weight' and 'bias'",
                           f"inputs: {inputs}\nreceived: {got!r:.200}")
    for name, want in reference(W, b, x, t).items():
        expect_close(got[name], want, what=f"the gradient of {name}", inputs=inputs)


def test_manual_example(learner, device):
    """linear_mse_grads gives the same dW and db by hand, and dx = dL/dout @ W."""
    W, b, x, t, inputs = example(device)
    got = learner.probe("manual", x, W, b, t)
    want = reference(W, b, x, t)
    if not isinstance(got, list) or len(got) != 3:
        raise CheckFailure("linear_mse_grads must return (dW, db, dx)", f"inputs: {inputs}")
    xl = x.clone().requires_grad_()
    (gx,) = torch.autograd.grad(torch.nn.functional.mse_loss(xl @ W.T + b, t), xl)
    expect_close(got[0], want["weight"], what="dW", inputs=inputs)
    expect_close(got[1], want["bias"], what="db", inputs=inputs)
    expect_close(got[2], gx, what="dx", inputs=inputs)
