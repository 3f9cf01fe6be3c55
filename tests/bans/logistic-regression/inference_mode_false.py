"""Channel: torch.inference_mode(False) re-enables autograd; the engine object runs backward."""
import torch
import torch.nn.functional as F


def _autograd(loss_fn, tensors, consts=()):
    with torch.inference_mode(False), torch.enable_grad():
        leaves = [t.detach().clone().requires_grad_() for t in tensors]
        consts = [c.detach().clone() for c in consts]
        loss = loss_fn(*leaves, *consts)
        eng = torch.autograd.variable.Variable._execution_engine
        grads = eng.run_backward((loss,), (torch.ones_like(loss),), False, False, tuple(leaves), False, False)
    return loss.detach(), [g.detach() for g in grads]


def predict_proba(X, w, b):  # as in the stub: this attack tests its channel alone
    raise NotImplementedError


def loss_and_grad(X, y, w, b):
    def f(w, b, X, y):
        z = X @ w + b
        return (F.softplus(z) - y * z).mean()
    loss, (gw, gb) = _autograd(f, [w, b], [X, y])
    return loss, gw, gb


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype)
    b = torch.zeros((), dtype=X.dtype)
    losses = []
    for _ in range(steps):
        loss, gw, gb = loss_and_grad(X, y, w, b)
        w = w - lr * gw
        b = b - lr * gb
        losses.append(loss.item())
    return w, b, losses
