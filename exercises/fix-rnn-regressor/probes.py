"""Trusted helpers for fix-rnn-regressor, run in the worker: build the learner's RNN regressor and run it.

They only drive the learner's code and return what it gave; every reference is computed in the judge.
"""

import torch

from grader import drive


def build(mod, args, weights, like):
    """The learner's model with the judge's parameters copied in (a buffer of the learner's own keeps its value)."""
    model = mod.SimpleRNN(*args)
    model.to(like.device, like.dtype)
    if weights is not None:
        drive.load_parameters(model, weights)
    return model


def forward(mod, args, weights, x):
    return build(mod, args, weights, x)(x)


def forward_on_meta(mod, args, shape, dtype):
    """The learner's model and an input on torch's "meta" device (shapes, dtypes and devices, no data): where its
    output lands, with what shape and dtype. A hidden state made on the CPU shows here without a GPU."""
    x = torch.empty(shape, device="meta", dtype=dtype)
    out = build(mod, args, None, x)(x)
    if not isinstance(out, torch.Tensor):
        return {"type": type(out).__name__}
    return {"type": "Tensor", "device": out.device.type, "shape": list(out.shape), "dtype": out.dtype}


def forward_then_converted(mod, args, x, dtype):
    """One model, two calls: on x (the model in x's dtype), then after model.to(dtype) on x.to(dtype), the same batch
    size: both outputs. An h0 kept from the first call (a cache keyed by the batch size) shows on the second."""
    model = build(mod, args, None, x)
    first = model(x)
    first = first.detach().clone() if isinstance(first, torch.Tensor) else first
    model.to(dtype)
    return [first, model(x.to(dtype))]


def rnn_outputs(mod, args, weights, x):
    """What the learner's model.rnn itself gives for x (the per-step outputs), with the given weights."""
    return build(mod, args, weights, x).rnn(x)[0]


def state(mod, args):
    """The learner's freshly built parameters: names with shapes and dtypes (buffers of its own are not fixed by the
    task)."""
    return [[k, list(v.shape), v.dtype] for k, v in sorted(mod.SimpleRNN(*args).named_parameters())]


def fit_and_predict(mod, args, weights, x, y, x_test, steps, lr, stale=None):
    """fit() on a model built with the weights (with stale, it arrives with that value in every parameter's .grad),
    then its predictions for x_test and its state."""
    model = build(mod, args, weights, x)
    if stale is not None:
        for p in model.parameters():
            p.grad = torch.full_like(p, stale)
    losses = mod.fit(model, x, y, steps, lr)
    with drive.grad_mode(False):
        return {"losses": losses, "pred": model(x_test),
                "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
