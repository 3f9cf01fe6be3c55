"""Trusted helpers for dynamic-depth-net, run in the worker: build the learner's DynamicNN and drive it.

They hand back what the learner's code produced (outputs, depths, gradients as they are, None included, losses,
predictions); every reference and comparison is in the judge."""

import torch

from grader import drive


def build(mod, dims, weights):
    model = mod.DynamicNN(*dims)
    w = weights["fc1.weight"]
    model.to(w.device, w.dtype)
    drive.load_parameters(model, weights)
    return model


def _grads(model):
    return {name: None if p.grad is None else p.grad.clone() for name, p in model.named_parameters()}


def run(mod, dims, weights, x, depth):
    """Output and the gradients of out.sum() with respect to x and every parameter (None if it got none)."""
    model = build(mod, dims, weights)
    x = x.detach().requires_grad_()
    out = model(x, depth)
    out.sum().backward()
    return {"out": out.detach(), "x_grad": x.grad, "grads": _grads(model)}


def run_sequence(mod, dims, weights, x, depths):
    """One model, several forward calls with the given depths (no backward in between), then backward of the sum of
    all outputs: the outputs and the accumulated gradients."""
    model = build(mod, dims, weights)
    outs = [model(x, d) for d in depths]
    sum(o.sum() for o in outs).backward()
    return {"outs": [o.detach() for o in outs], "grads": _grads(model)}


def run_until(mod, dims, weights, x, threshold, max_depth):
    """forward_until's output and depth, and the gradients of out.sum() for x and every parameter (None where none
    arrived; nothing is back-propagated when the output records no graph)."""
    model = build(mod, dims, weights)
    x = x.detach().requires_grad_()
    result = model.forward_until(x, threshold, max_depth)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], torch.Tensor):
        out = result[0]
        if out.requires_grad:
            out.sum().backward()
        return {"out": out.detach(), "depth": result[1], "x_grad": x.grad, "grads": _grads(model)}
    return {"result": result}


def train(mod, dims, weights, x, y, steps, lr, max_depth, seed, stale_grads=None, global_seed=None):
    """train_dynamic on a model built from weights (arriving with stale .grad if given); what it returned, the
    parameters afterwards and the model's predictions at every depth 0..max_depth. With global_seed, torch's global
    CPU generator is seeded with it just before the call and its state right after the call is returned too."""
    model = build(mod, dims, weights)
    if stale_grads is not None:
        for name, p in model.named_parameters():
            p.grad = stale_grads[name].clone()
    if global_seed is not None:
        torch.manual_seed(global_seed)
    got = mod.train_dynamic(model, x, y, steps, lr, max_depth, seed)
    global_state = None if global_seed is None else torch.get_rng_state()
    with drive.grad_mode(False):
        predictions = [model(x, d) for d in range(max_depth + 1)]
    return {"returned": got, "params": {k: v.detach().clone() for k, v in model.named_parameters()},
            "predictions": predictions, "global_rng_after": global_state}


def train_twice(mod, dims, weights, x, y, runs):
    """train_dynamic called once per (steps, lr, max_depth, seed) in runs on one model, in order: what each call
    returned and the parameters after the last. Each call must start its own Adam and generator."""
    model = build(mod, dims, weights)
    returned = [mod.train_dynamic(model, x, y, *run) for run in runs]
    return {"returned": returned, "params": {k: v.detach().clone() for k, v in model.named_parameters()}}
