"""Helpers for fix-broken-gradients: call two_gradients on a tensor that requires grad, twice, and return raw results
(both answers and x.grad afterwards); the judge computes the true gradients itself."""


def two_gradients(mod, x, calls=2, grad=None):
    """The answers of `calls` calls on one x, and x.grad afterwards; with `grad`, x comes with that .grad already
    set (a caller's earlier gradient)."""
    x = x.detach().clone().requires_grad_(True)
    if grad is not None:
        x.grad = grad.detach().clone()
    answers = []
    for _ in range(calls):
        got = mod.two_gradients(x)
        answers.append(list(got) if isinstance(got, tuple) else {"not a tuple": type(got).__name__})
    return {"answers": answers, "x_grad": x.grad}
