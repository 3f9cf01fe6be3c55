"""State / aliasing: the gradients are written into a module-level dict of buffers reused
by every call (to 'avoid allocations'); a caller keeping the first call's grads sees them overwritten by the
second call. First call right.
"""
import torch

_BUF = {}


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    """Mean softmax cross-entropy of the tanh MLP and its gradients, by hand.

    Returns (loss, grads): loss is a 0-d tensor, grads a dict with keys "W1", "b1", "W2", "b2", "x".
    """
    N = x.shape[0]
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    z2 = h @ W2.T + b2
    m = z2.max(dim=1, keepdim=True).values
    s = z2 - m
    e = torch.exp(s)
    denom = e.sum(dim=1, keepdim=True)
    logp_y = s.gather(1, y.view(-1, 1)).squeeze(1) - torch.log(denom.squeeze(1))
    loss = -logp_y.mean()
    p = e / denom
    rows = torch.arange(N, device=x.device)
    dz2 = p.clone()
    dz2[rows, y] -= 1
    dz2 = dz2 / N
    dW2 = dz2.T @ h
    db2 = dz2.sum(dim=0)
    dh = dz2 @ W2
    dz1 = dh * (1 - h * h)
    dW1 = dz1.T @ x
    db1 = dz1.sum(dim=0)
    dx = dz1 @ W1
    new = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
    for k, v in new.items():
        if k not in _BUF or _BUF[k].shape != v.shape or _BUF[k].dtype != v.dtype:
            _BUF[k] = torch.empty_like(v)
        _BUF[k].copy_(v)
    return loss, _BUF
