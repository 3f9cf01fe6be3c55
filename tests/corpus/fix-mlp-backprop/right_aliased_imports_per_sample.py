"""A correct solution written with aliased imports and per-sample outer products summed over the batch,
sigmoid' taken from a stable two-branch sigmoid, and the mean's factor applied at the end."""

from torch import sigmoid as squash, zeros_like as fresh
import torch as T


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    n, k = t.shape[0], t.shape[1]
    h = squash(T.matmul(x, W1.transpose(0, 1)) + b1)
    o = T.matmul(h, W2.transpose(0, 1)) + b2
    err = o - t
    loss = T.sum(err * err) / (n * k)
    g_o = err                                   # the factor 2/(N*K) is applied at the end
    g_z = T.matmul(g_o, W2) * h * (1 - h)
    dW2, dW1 = fresh(W2), fresh(W1)
    for i in range(n):                          # per-sample outer products
        dW2 = dW2 + T.outer(g_o[i], h[i])
        dW1 = dW1 + T.outer(g_z[i], x[i])
    c = 2.0 / (n * k)
    return loss, {"W2": dW2 * c, "b2": g_o.sum(0) * c, "W1": dW1 * c, "b1": g_z.sum(0) * c,
                  "x": T.matmul(g_z, W1) * c}
