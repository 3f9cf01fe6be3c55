"""Trusted helpers for fix-transformer-classifier, run in the worker: build the learner's classifier and run it.

They only drive the learner's code and return what it gave; references are computed in the judge.
"""

import warnings

import torch


def build(mod, args, weights):
    model = mod.TextClassifier(*args)
    if weights is not None:
        w = next(iter(weights.values()))
        model.to(w.device, w.dtype)
        model.load_state_dict(weights)
    return model.eval()


def forward(mod, args, weights, x, train=False):
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the nested-tensor fast-path notice is not the learner's concern
        return build(mod, args, weights).train(train)(x)


def forward_and_ids(mod, args, weights, x):
    """The logits of forward(x) in eval mode, and what the caller's x holds after the call."""
    logits = forward(mod, args, weights, x)
    return {"logits": logits, "x_after": x.clone()}


def state(mod, args):
    """The learner's freshly built state_dict: names with their shapes and dtypes, and the embedding's row pad_idx."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sd = mod.TextClassifier(*args).state_dict()
    pad = args[6] if len(args) > 6 else 0
    row = sd["embedding.weight"][pad].clone() if "embedding.weight" in sd else None
    return {"shapes": [[k, list(v.shape), v.dtype] for k, v in sd.items()], "pad_row": row}


def learn(mod, args, x, y, x_test, steps, init_seed):
    torch.manual_seed(init_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mod.TextClassifier(*args).to(x.device)
        mod.train(model, x, y, steps)
        model.eval()
        with torch.no_grad():
            return model(x_test).argmax(-1)
