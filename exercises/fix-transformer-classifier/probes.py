"""Trusted helpers for fix-transformer-classifier, run in the worker: build the learner's classifier and run it."""

import warnings

import torch


def build(mod, args, weights):
    model = mod.TextClassifier(*args)
    if weights is not None:
        w = next(iter(weights.values()))
        model.to(w.device, w.dtype)
        model.load_state_dict(weights)
    return model.eval()


def forward(mod, args, weights, x):
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the nested-tensor fast-path notice is not the learner's concern
        return build(mod, args, weights)(x)


def keys(mod, args):
    return list(mod.TextClassifier(*args).state_dict())


def learn(mod, args, x, y, x_test, steps, init_seed):
    torch.manual_seed(init_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mod.TextClassifier(*args).to(x.device)
        mod.train(model, x, y, steps)
        model.eval()
        with torch.no_grad():
            return model(x_test).argmax(-1)
