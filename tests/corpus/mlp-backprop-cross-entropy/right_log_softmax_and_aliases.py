"""A correct solution with torch's own log_softmax (allowed: only cross_entropy and nll_loss are ruled out),
aliased imports, and the one-hot subtraction done with index_put."""

import torch as t
from torch.nn.functional import log_softmax as lsm


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    n = x.size(0)
    act = t.tanh(t.addmm(b1, x, W1.mT))
    logp = lsm(t.addmm(b2, act, W2.mT), dim=-1)
    rows = t.arange(n, device=x.device)
    loss = logp[rows, y].sum().neg() / n
    g = logp.exp().index_put((rows, y), t.tensor(-1.0, dtype=x.dtype, device=x.device), accumulate=True) / n
    gz = (g @ W2) * (1 - act * act)
    return loss, dict(x=gz @ W1, W1=gz.mT @ x, b1=gz.sum(0), W2=g.mT @ act, b2=g.sum(0))
