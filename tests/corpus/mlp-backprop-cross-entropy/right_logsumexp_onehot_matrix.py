"""A correct solution written differently: torch.logsumexp, a one-hot matrix from torch.eye, and einsum."""

import torch


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    n, c = x.shape[0], W2.shape[0]
    h = torch.tanh(torch.addmm(b1, x, W1.t()))
    logits = torch.addmm(b2, h, W2.t())
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    onehot = torch.eye(c, dtype=x.dtype, device=x.device)[y]
    loss = -(onehot * log_probs).sum() / n
    g_logits = (log_probs.exp() - onehot) / n
    g_pre = torch.einsum("nc,ch->nh", g_logits, W2) * (1 - h.pow(2))
    return loss, {
        "W2": torch.einsum("nc,nh->ch", g_logits, h),
        "b2": g_logits.sum(0),
        "W1": torch.einsum("nh,nd->hd", g_pre, x),
        "b1": g_pre.sum(0),
        "x": g_pre @ W1,
    }
