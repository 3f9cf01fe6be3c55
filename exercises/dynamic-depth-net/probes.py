"""Trusted helpers for dynamic-depth-net, run in the worker: build the learner's DynamicNN and inspect its graph."""

import torch


def build(mod, dims, weights):
    model = mod.DynamicNN(*dims)
    w = weights["fc1.weight"]
    model.to(w.device, w.dtype)
    model.load_state_dict(weights)
    return model


def graph_size(t):
    """Number of distinct autograd nodes reachable from t.grad_fn."""
    seen, stack = set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        stack.extend(n for n, _ in node.next_functions)
    return len(seen)


def run(mod, dims, weights, x, depth):
    """Output, graph size and the gradients of out.sum() with respect to x and every parameter (None if unused)."""
    model = build(mod, dims, weights)
    x = x.detach().requires_grad_()
    out = model(x, depth)
    out.sum().backward()
    grads = {name: None if p.grad is None else p.grad.clone() for name, p in model.named_parameters()}
    return {"out": out.detach(), "nodes": graph_size(out), "x_grad": x.grad, "grads": grads}


def run_until(mod, dims, weights, x, threshold, max_depth):
    model = build(mod, dims, weights)
    out, depth = model.forward_until(x, threshold, max_depth)
    return {"out": out.detach(), "depth": depth, "nodes": graph_size(out)}


def train(mod, dims, weights, x, y, steps, lr, max_depth, seed):
    model = build(mod, dims, weights)
    got = mod.train_dynamic(model, x, y, steps, lr, max_depth, seed)
    with torch.no_grad():
        got["mse_by_depth"] = [torch.nn.functional.mse_loss(model(x, d), y) for d in range(max_depth + 1)]
    return got
