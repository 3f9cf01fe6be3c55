"""Trusted helpers for train-eval-loop, run in the worker: build the model, hand it to the learner's loop, record.

They only drive the learner's functions and return raw results (what was returned, the state afterwards, the
gradients each optimizer.step() was handed). The graders load this file in the judge too (load_sibling), to build the
same models and compute every reference there.
"""

import torch
import torch.nn.functional as F
from grader import drive


class Loader:
    """An iterable of (x, y) batches and nothing more: no len(), no indexing (the task's "any iterable")."""

    def __init__(self, batches):
        self._batches = list(batches)

    def __iter__(self):
        return iter(self._batches)


def once(batches):
    """A one-shot iterable of the batches (a generator): a second pass over it yields nothing."""
    return (b for b in list(batches))


def make_model(weights):
    """Linear -> BatchNorm1d -> ReLU -> Linear, holding the given state_dict."""
    w0, w3 = weights["0.weight"], weights["3.weight"]
    model = torch.nn.Sequential(torch.nn.Linear(w0.shape[1], w0.shape[0]), torch.nn.BatchNorm1d(w0.shape[0]),
                                torch.nn.ReLU(), torch.nn.Linear(w3.shape[1], w3.shape[0]))
    model.to(w0.device, w0.dtype)
    model.load_state_dict(weights)
    return model


def make_wide_model(seed, d, h, c, depth):
    """Linear(d, h) -> BatchNorm1d(h) -> depth x Tanh -> Linear(h, c), float32, weights from a seeded generator: an
    evaluation that records a graph keeps one (n, h) activation per Tanh alive until the forward ends."""
    g = torch.Generator().manual_seed(seed)
    layers = [torch.nn.Linear(d, h), torch.nn.BatchNorm1d(h)] + [torch.nn.Tanh() for _ in range(depth)]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(h, c))
    with drive.grad_mode(False):
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
        model[1].running_mean.copy_(torch.randn(h, generator=g) * 0.1)
        model[1].running_var.copy_(torch.rand(h, generator=g) + 0.5)
    return model


def wide_data(seed, n, d, c, batch):
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(n, d, generator=g)
    y = torch.randint(0, c, (n,), generator=g)
    return [(x[i:i + batch], y[i:i + batch]) for i in range(0, n, batch)]


def state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def epoch_trace(mod, weights, batches, lr, momentum, stale=False, one_shot=False, mixed=False):
    """One train_one_epoch with SGD on a model handed over in eval mode (and, with stale, with gradients left in
    .grad from earlier work; with one_shot, the batches as a generator); record the gradients handed to every
    optimizer.step() and the state afterwards."""
    model = make_model(weights)
    model.eval()  # train_one_epoch must switch it to training mode itself
    if mixed:  # only the top flag says training (as a restore of the top flag alone leaves it): BatchNorm is in eval
        model.training = True
    if stale:
        g = torch.Generator().manual_seed(7)
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=g, dtype=p.dtype).to(p.device)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    grads = []
    real_step = opt.step

    def step(*args, **kwargs):
        grads.append([None if p.grad is None else p.grad.detach().clone() for p in model.parameters()])
        return real_step(*args, **kwargs)

    opt.step = step
    returned = mod.train_one_epoch(model, once(batches) if one_shot else Loader(batches), opt, F.cross_entropy)
    return {"returned": returned, "grads": grads, "state": state(model), "training_after": model.training}


def eval_trace(mod, weights, batches, training, one_shot=False, column=False):
    """evaluate() on a model left in train (or eval) mode with gradients in .grad (with one_shot, the batches as a
    generator); return what it returned, the state and the gradients afterwards, the mode it left the model and each
    of its modules in and whether grad mode is still on."""
    model = make_model(weights)
    if column:  # logits (N, C, 1) and labels (N, 1): the class is still dimension 1
        model.append(torch.nn.Unflatten(1, (weights["3.weight"].shape[0], 1)))
        batches = [(x, y[:, None]) for x, y in batches]
    model.train(training)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    returned = mod.evaluate(model, once(batches) if one_shot else Loader(batches))
    return {"returned": returned, "state": state(model), "training_after": model.training,
            "modes_after": [m.training for m in model.modules()],
            "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
            "grad_mode_after": torch.is_grad_enabled()}


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right evaluate() does on the wide
    model (eval mode, a forward under no_grad, argmax and counting), at a small size, so that its one-off costs are
    paid before the judge reads the worker's size."""
    model = make_wide_model(0, 8, 64, 3, 6)
    training = model.training
    model.eval()
    hits, seen = 0, 0
    with drive.grad_mode(False):
        for x, y in Loader(wide_data(0, 256, 8, 3, 128)):
            hits += int((model(x).argmax(1) == y).sum())
            seen += y.numel()
    model.train(training)
    return hits / seen


def eval_wide(mod, seed, n, d, h, c, depth, batch):
    """evaluate() on the wide model (the graders measure the worker's memory from outside around this call)."""
    model = make_wide_model(seed, d, h, c, depth)
    return mod.evaluate(model, Loader(wide_data(seed, n, d, c, batch)))


def fit_run(mod, weights, train_batches, val_batches, lr, max_epochs, patience):
    """fit() with Adam and cross-entropy; return what it returned and the final weights."""
    model = make_model(weights)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    returned = mod.fit(model, Loader(train_batches), Loader(val_batches), opt, F.cross_entropy, max_epochs, patience)
    return {"returned": returned, "state": state(model)}
