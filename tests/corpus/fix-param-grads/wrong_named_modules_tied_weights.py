"""names built from named_modules() and each module's own parameters (recurse=False): a weight tied between two Linears (b.weight = a.weight) gets two entries, "0.weight" and "2.weight", where named_parameters() names it once."""
import torch
import torch.nn as nn


def param_grads(layer, x, t):
    loss_function = nn.MSELoss()
    output_tensor = layer(x)
    if t.shape != output_tensor.shape:
        raise ValueError(f"target shape {tuple(t.shape)} != output shape {tuple(output_tensor.shape)}")
    layer.zero_grad(set_to_none=True)
    for p in layer.parameters():
        p.grad = None
    loss = loss_function(output_tensor, t)
    if loss.requires_grad:
        loss.backward()
    grads = {}
    for mname, module in layer.named_modules():
        for pname, p in module.named_parameters(recurse=False):
            name = f"{mname}.{pname}" if mname else pname
            grads[name] = None if p.grad is None else p.grad.clone()
    return grads


def linear_mse_grads(x, W, b, t):
    out = x @ W.T + b
    dout = 2 * (out - t) / out.numel()
    dW = dout.T @ x
    db = dout.sum(dim=0)
    dx = dout @ W
    return dW, db, dx
