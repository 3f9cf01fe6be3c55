"""A correct solution written differently: einsum, its own sigmoid, and the mean's factor kept as a scalar."""

import torch


def _sigmoid(z):
    # exp of a non-positive number never overflows
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    n, k = t.shape
    z1 = torch.einsum("nd,hd->nh", x, W1) + b1
    h = _sigmoid(z1)
    o = torch.einsum("nh,kh->nk", h, W2) + b2
    r = o - t
    loss = (r * r).sum() / (n * k)
    g_o = r * (2.0 / (n * k))
    g_z1 = torch.einsum("nk,kh->nh", g_o, W2) * (h - h * h)
    return loss, {
        "W2": torch.einsum("nk,nh->kh", g_o, h),
        "b2": g_o.sum(dim=0),
        "W1": torch.einsum("nh,nd->hd", g_z1, x),
        "b1": g_z1.sum(dim=0),
        "x": torch.einsum("nh,hd->nd", g_z1, W1),
    }
