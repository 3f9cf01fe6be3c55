"""Trusted helpers for fix-transformer-classifier, run in the worker: build the learner's classifier and run it.

They only drive the learner's code and return what it gave; references are computed in the judge.
"""

import warnings

import torch

from grader import drive


def build(mod, args, weights):
    model = mod.TextClassifier(*args)
    if weights is not None:
        w = next(iter(weights.values()))
        model.to(w.device, w.dtype)
        drive.load_parameters(model, weights)
    return model.eval()


def forward(mod, args, weights, x, train=False):
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the nested-tensor fast-path notice is not the learner's concern
        return build(mod, args, weights).train(train)(x)


def forward_and_ids(mod, args, weights, x):
    """The logits of forward(x) in eval mode, and what the caller's x holds after the call."""
    logits = forward(mod, args, weights, x)
    return {"logits": logits, "x_after": x.clone()}


def gradients(mod, args, weights, x, grad_out, train):
    """One forward with grad mode on (as the train loop runs it), in training or eval mode, and the gradient of
    (logits * grad_out).sum() for every named parameter (None where backward reaches none); nothing is computed on
    the judge's behalf."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build(mod, args, weights).train(train)
        logits = model(x)
        names = [name for name, _ in model.named_parameters()]
        grads = [None] * len(names)
        if isinstance(logits, torch.Tensor) and logits.requires_grad:
            grads = list(torch.autograd.grad(logits, [p for _, p in model.named_parameters()], grad_out,
                                             allow_unused=True))
    return {"logits": logits.detach() if isinstance(logits, torch.Tensor) else logits,
            "grads": dict(zip(names, grads))}


def encoder_config(model):
    """The encoder's settings that no state_dict shows, as plain values (None where the model has no such part): the
    judge reads a reference model with this same function and compares."""
    enc = getattr(model, "encoder", None)
    layers = list(getattr(enc, "layers", []) or [])
    out = {"enable_nested_tensor": getattr(enc, "enable_nested_tensor", None), "layers": []}
    for layer in layers:
        attn = getattr(layer, "self_attn", None)
        out["layers"].append({
            "nhead": getattr(attn, "num_heads", None),
            "batch_first": getattr(attn, "batch_first", None),
            "norm_first": getattr(layer, "norm_first", None),
            "dropout": [float(m.p) for m in layer.modules() if isinstance(m, torch.nn.Dropout)]
            + [float(getattr(attn, "dropout", 0.0) or 0.0)],
        })
    return out


def state(mod, args):
    """The learner's freshly built state_dict: names with their shapes and dtypes, the embedding's row pad_idx, and
    the encoder's settings that the state_dict does not show."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mod.TextClassifier(*args)
        sd = model.state_dict()
    pad = args[6] if len(args) > 6 else 0
    row = sd["embedding.weight"][pad].clone() if "embedding.weight" in sd else None
    return {"shapes": [[k, list(v.shape), v.dtype] for k, v in sd.items()], "pad_row": row,
            "config": encoder_config(model), "buffers": [k for k, _ in model.named_buffers()]}


def learn(mod, args, x, y, x_test, steps, init_seed):
    torch.manual_seed(init_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mod.TextClassifier(*args).to(x.device)
        mod.train(model, x, y, steps)
        model.eval()
        with drive.grad_mode(False):
            return model(x_test).argmax(-1)
