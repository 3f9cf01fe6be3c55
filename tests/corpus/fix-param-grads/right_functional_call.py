"""A correct solution written differently: torch.func.grad over torch.func.functional_call for the gradients (then
written into .grad), a shape check with torch.Size equality, and the manual gradients from explicit outer products."""

import torch
import torch.nn as nn
from torch.func import functional_call, grad


def param_grads(layer, x, t):
    params = {name: p.detach() for name, p in layer.named_parameters()}
    out_shape = functional_call(layer, params, (x,)).shape
    if torch.Size(t.shape) != out_shape:
        raise ValueError(f"target {tuple(t.shape)} vs output {tuple(out_shape)}")

    def loss(ps):
        return nn.functional.mse_loss(functional_call(layer, ps, (x,)), t)

    grads = grad(loss)(params)
    for name, p in layer.named_parameters():
        p.grad = grads[name].clone()
    return {name: g.clone() for name, g in grads.items()}


def linear_mse_grads(x, W, b, t):
    n, k = t.shape
    d_out = (torch.addmm(b.expand(n, k), x, W.t()) - t) * (2.0 / (n * k))
    dW = sum(torch.outer(d_out[i], x[i]) for i in range(n))
    return dW, d_out.sum(0), torch.mm(d_out, W)
