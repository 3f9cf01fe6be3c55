"""Helpers for fix-broken-gradients: call two_gradients on a tensor that requires grad, twice, and return raw results
(both answers and x.grad afterwards); the judge computes the true gradients itself."""


def two_gradients(mod, x, calls=2):
    x = x.detach().clone().requires_grad_(True)
    answers = []
    for _ in range(calls):
        got = mod.two_gradients(x)
        answers.append(list(got) if isinstance(got, tuple) else {"not a tuple": type(got).__name__})
    return {"answers": answers, "x_grad": x.grad}
