"""Trusted helpers for fix-rnn-regressor, run in the worker: build the learner's RNN regressor and run it."""

import torch


def build(mod, args, weights, like):
    model = mod.SimpleRNN(*args)
    model.to(like.device, like.dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model


def forward(mod, args, weights, x):
    return build(mod, args, weights, x)(x)


def state_keys(mod, args):
    return sorted(mod.SimpleRNN(*args).state_dict())


def fit_and_predict(mod, args, weights, x, y, x_test, steps, lr):
    model = build(mod, args, weights, x)
    losses = mod.fit(model, x, y, steps, lr)
    with torch.no_grad():
        return {"losses": losses, "pred": model(x_test)}
