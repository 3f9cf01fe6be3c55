"""Trusted helpers for packed-seq-tagger, run in the worker: build the learner's tagger and run it.

They only drive the learner's code and return what it gave back; every reference is computed in the judge.
"""

import torch

from grader import drive


def build(mod, args, weights, dtype, device):
    model = mod.SeqTagger(*args).to(device, dtype)
    if weights is not None:
        drive.load_parameters(model, weights)
    return model


def forward(mod, args, weights, tokens, lengths, dtype=torch.float64):
    return build(mod, args, weights, dtype, tokens.device)(tokens, lengths)


def forward_twice(mod, args, weights, first, second, dtype=torch.float64):
    """One tagger, two batches in a row (first and second are (tokens, lengths)): both logits, the second call's
    last (what a tagger that kept something from its first call gets wrong)."""
    model = build(mod, args, weights, dtype, first[0].device)
    return [model(*first), model(*second)]


def forward_on_meta(mod, args, tokens, lengths):
    """The learner's tagger on torch's "meta" device (shapes, dtypes and devices, no data), which stands for a GPU:
    tokens and lengths on that device too. Only what it raised (or the output's device) comes back."""
    model = build(mod, args, None, torch.float32, "meta")
    out = model(tokens.to("meta"), lengths.to("meta"))
    return {"device": out.device.type if isinstance(out, torch.Tensor) else type(out).__name__}


def train_and_score(mod, args, weights, data, test, steps, lr, dtype=torch.float32, stale=None):
    """train_tagger on `data`, then the trained model's logits on `test` and its parameters afterwards (with stale,
    the model arrives with that value in every parameter's .grad)."""
    model = build(mod, args, weights, dtype, data[0].device)
    if stale is not None:
        for p in model.parameters():
            p.grad = torch.full_like(p, stale)
    losses = mod.train_tagger(model, *data, steps, lr)
    with drive.grad_mode(False):
        logits = model(test[0], test[1])
    return {"losses": losses, "logits": logits,
            "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def loss_transposed(mod, logits_tbc, tags_tb):
    """tagging_loss on (B, T, ...) views of the (T, B, ...) tensors sent: the same values, not contiguous (as the
    output of a time-major model transposed to batch-major)."""
    return mod.tagging_loss(logits_tbc.transpose(0, 1), tags_tb.t())


def train_twice(mod, args, weights, data, steps, lrs, dtype=torch.float64):
    """train_tagger called twice on the same model (lrs[0], then lrs[1]): each call's losses and the parameters after
    the second call. Each call is a full-batch Adam run of its own, from the weights it is given."""
    model = build(mod, args, weights, dtype, data[0].device)
    runs = [mod.train_tagger(model, *data, steps, lr) for lr in lrs]
    return {"losses": runs, "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
