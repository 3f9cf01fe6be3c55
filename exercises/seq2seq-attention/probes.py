"""Trusted helpers for seq2seq-attention, run in the worker: build the learner's Seq2Seq and run it.

They only drive the learner's code (build the model with the judge's weights, call one method) and return
what it returned; every reference is computed in the judge.
"""

import torch

from grader import drive


def build(mod, args, weights):
    """The learner's model holding the given weights, on their device and in their dtype."""
    model = mod.Seq2Seq(*args)
    w = weights["out.weight"]
    model.to(w.device, w.dtype)
    drive.load_parameters(model, weights)
    return model


def forward(mod, args, weights, src, tgt):
    return build(mod, args, weights)(src, tgt)


def forward_grads(mod, args, weights, src, tgt, cotangent):
    """The gradient of sum(forward(src, tgt) * cotangent) for every parameter of the learner's model, by name (a
    parameter the backward does not reach: None)."""
    model = build(mod, args, weights)
    named = dict(model.named_parameters())
    grads = torch.autograd.grad((model(src, tgt) * cotangent).sum(), list(named.values()), allow_unused=True)
    return {name: None if g is None else g.detach() for name, g in zip(named, grads)}


def decode_step(mod, args, weights, prev, h, ctx, enc):
    out = build(mod, args, weights).decode_step(prev, h, ctx, enc)
    return list(out) if isinstance(out, tuple) else out


def greedy(mod, args, weights, src, steps):
    """The learner's greedy tokens, called with grad mode on as a caller may (the watch then sees a greedy that
    switches grad mode off and leaves it off)."""
    return build(mod, args, weights).greedy(src, steps)


def calls(mod, args, weights, todo):
    """Several calls on one model, in order: todo is a list of (method name, positional arguments); return what each
    returned. A model that caches what it computed for one source shows it on the next one."""
    model = build(mod, args, weights)
    out = []
    with drive.grad_mode(False):
        for name, call_args in todo:
            out.append(getattr(model, name)(*call_args))
    return out


def learn(mod, args, src, tgt, test_src, steps, lr, init_seed):
    """Train a fresh model with the given train() loop; return its greedy decoding of test_src."""
    torch.manual_seed(init_seed)
    model = mod.Seq2Seq(*args).to(src.device)
    mod.train(model, src, tgt, steps, lr)
    with drive.grad_mode(False):
        return model.greedy(test_src, test_src.shape[1])
