"""Trusted helpers for batchnorm-train-eval, run in the worker: drive the learner's MyBatchNorm2d through batches."""

import torch


def run(mod, args, kwargs, state, batches, modes, grad_outputs=None):
    """Forward each batch in the given mode; record outputs and buffers, and gradients for the given grad_outputs."""
    bn = mod.MyBatchNorm2d(*args, **kwargs).to(batches[0].device, batches[0].dtype)
    if state is not None:
        bn.load_state_dict(state)
    outs, buffers, grads = [], [], []
    for k, (x, mode) in enumerate(zip(batches, modes)):
        bn.train(mode == "train")
        x = x.detach().requires_grad_()
        y = bn(x)
        outs.append(y.detach().clone())
        buffers.append({n: b.detach().clone() for n, b in bn.named_buffers()})
        if grad_outputs is not None:
            params = [p for _, p in bn.named_parameters()]
            g = torch.autograd.grad(y, [x] + params, grad_outputs[k])
            grads.append(list(g))
    return {"outs": outs, "buffers": buffers, "grads": grads, "keys": list(bn.state_dict())}
