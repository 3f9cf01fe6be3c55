"""Trusted helpers for fix-rnn-bptt, run in the worker: the learner's ElmanRNN, a Linear head, TBPTT with SGD.

They only drive the learner's code (build, load weights, run, back-propagate a fixed sum) and return what came out;
every reference is computed in the judge.
"""

import torch

from grader import drive


def build(mod, sizes, weights, like):
    model = mod.ElmanRNN(*sizes).to(like.device, like.dtype)
    if weights is not None:
        drive.load_parameters(model, weights)
    return model


def forward(mod, sizes, weights, x, h0=None):
    """Outputs, final state, and the gradients of (out.sum() + h_n.sum()) for x, h0 (when given) and every
    parameter."""
    model = build(mod, sizes, weights, x)
    x = x.detach().requires_grad_()
    if h0 is not None:
        h0 = h0.detach().requires_grad_()
    out, h_n = model(x, h0)
    (out.sum() + h_n.sum()).backward()
    return {"out": out.detach(), "h_n": h_n.detach(), "x_grad": x.grad,
            "h0_grad": None if h0 is None else h0.grad,
            "grads": {n: p.grad for n, p in model.named_parameters()}}


def forward_no_grad(mod, sizes, weights, x, h0):
    """Outputs and final state of a call made inside the caller's torch.no_grad() (as an evaluation loop makes it), on
    the judge's own x and h0, passed as they are (a call that writes into either fails)."""
    model = build(mod, sizes, weights, x)
    with drive.grad_mode(False):
        out, h_n = model(x, h0)
    return {"out": out, "h_n": h_n}


def fresh(mod, sizes, x):
    """A freshly built ElmanRNN: its parameters (name -> tensor), as the learner's __init__ made them, and its output
    on x."""
    model = mod.ElmanRNN(*sizes)
    with drive.grad_mode(False):
        out = model(x)
    return {"params": {n: p.detach().clone() for n, p in model.named_parameters()},
            "out": list(out) if isinstance(out, tuple) else out}


def tbptt(mod, sizes, weights, head_weights, xs, ys, k, lr, calls=1, stale=None):
    """train_tbptt called `calls` times on the same model, head and SGD optimizer (the parameters first given a
    leftover .grad filled with `stale`, when it is not None): for each call, what it returned and the parameters
    afterwards."""
    model = build(mod, sizes, weights, xs)
    head = torch.nn.Linear(head_weights["weight"].shape[1], head_weights["weight"].shape[0]).to(xs.device, xs.dtype)
    head.load_state_dict(head_weights)
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=lr)
    if stale is not None:
        for p in params:
            p.grad = torch.full_like(p, stale)
    results = []
    for _ in range(calls):
        losses = mod.train_tbptt(model, head, xs, ys, k, opt)
        results.append({"losses": losses, "state": {n: p.detach().clone() for n, p in model.named_parameters()},
                        "head": {n: p.detach().clone() for n, p in head.named_parameters()}})
    return results


def accuracy(mod, sizes, weights, head_weights, xs, ys):
    model = build(mod, sizes, weights, xs)
    head = torch.nn.Linear(head_weights["weight"].shape[1], head_weights["weight"].shape[0]).to(xs.device, xs.dtype)
    head.load_state_dict(head_weights)
    return mod.sequence_accuracy(model, head, xs, ys)


def learn(mod, xs, ys, epochs, k, lr, init_seed):
    torch.manual_seed(init_seed)
    model = mod.ElmanRNN(xs.shape[-1], 16).to(xs.device)
    head = torch.nn.Linear(16, int(ys.max()) + 1).to(xs.device)
    opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=lr)
    for _ in range(epochs):
        mod.train_tbptt(model, head, xs, ys, k, opt)
    return mod.sequence_accuracy(model, head, xs, ys)
