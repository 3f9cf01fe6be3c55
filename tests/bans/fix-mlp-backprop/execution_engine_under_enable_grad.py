"""Channel: the C++ engine object (Variable._execution_engine.run_backward) called under torch.enable_grad(), a roundabout .backward(): with autograd off no graph exists, and the feedback must say so."""
import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    with torch.enable_grad():
        leaves = [a.detach().requires_grad_() for a in (x, W1, b1, W2, b2)]
        xl, W1l, b1l, W2l, b2l = leaves
        L = ((torch.sigmoid(xl @ W1l.T + b1l) @ W2l.T + b2l - t) ** 2).mean()
        g = torch.autograd.Variable._execution_engine.run_backward(
            (L,), (torch.ones_like(L),), False, False, tuple(leaves), False, False)
    return L.detach(), dict(zip(("x", "W1", "b1", "W2", "b2"), g))
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    diff = o - t
    loss = (diff ** 2).mean()
    d_o = diff * (2.0 / diff.numel())
    dW2 = d_o.T @ h
    db2 = d_o.sum(0)
    dh = d_o @ W2
    dz1 = dh * (h * (1 - h))
    dW1 = dz1.T @ x
    db1 = dz1.sum(0)
    dx = dz1 @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
