"""Channel: forward-mode AD (torch.autograd.forward_ad dual numbers): one forward pass per coordinate of (w, b)."""

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F


def _loss(X, y, w, b):
    return F.binary_cross_entropy_with_logits(X @ w + b, y)


def predict_proba(X, w, b):
    z = X @ w + b
    with fwAD.dual_level():
        dz = fwAD.make_dual(z, torch.ones_like(z))
        return fwAD.unpack_dual(F.softplus(dz)).tangent


def loss_and_grad(X, y, w, b):
    d = w.shape[0]
    grads = []
    with fwAD.dual_level():
        for k in range(d + 1):
            tw = torch.zeros_like(w)
            tb = torch.zeros_like(b)
            if k < d:
                tw[k] = 1.0
            else:
                tb.fill_(1.0)
            out = _loss(X, y, fwAD.make_dual(w, tw), fwAD.make_dual(b, tb))
            grads.append(fwAD.unpack_dual(out).tangent)
    return _loss(X, y, w, b), torch.stack(grads[:d]), grads[d]


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
