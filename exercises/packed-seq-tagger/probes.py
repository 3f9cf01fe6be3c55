"""Trusted helpers for packed-seq-tagger, run in the worker: build the learner's tagger and run it."""

import torch


def build(mod, args, weights, dtype, device):
    model = mod.SeqTagger(*args).to(device, dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model


def forward(mod, args, weights, tokens, lengths, dtype=torch.float64):
    return build(mod, args, weights, dtype, tokens.device)(tokens, lengths)


def keys(mod, args):
    return sorted(mod.SeqTagger(*args).state_dict())


def train_and_score(mod, args, weights, data, test, steps, lr):
    model = build(mod, args, weights, torch.float32, data[0].device)
    losses = mod.train_tagger(model, *data, steps, lr)
    with torch.no_grad():
        logits = model(test[0], test[1])
    return {"losses": losses, "logits": logits}
