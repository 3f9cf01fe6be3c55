"""Trusted helpers for train-eval-loop, run in the worker: build the model, hand it to the learner's loop, record."""

import torch
import torch.nn.functional as F


def make_model(weights):
    """Linear -> BatchNorm1d -> ReLU -> Linear, holding the given state_dict."""
    w0, w3 = weights["0.weight"], weights["3.weight"]
    model = torch.nn.Sequential(torch.nn.Linear(w0.shape[1], w0.shape[0]), torch.nn.BatchNorm1d(w0.shape[0]),
                                torch.nn.ReLU(), torch.nn.Linear(w3.shape[1], w3.shape[0]))
    model.to(w0.device, w0.dtype)
    model.load_state_dict(weights)
    return model


def state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def epoch_trace(mod, weights, batches, lr, momentum):
    """One train_one_epoch with SGD; record the parameters, gradients and mode at every optimizer.step()."""
    model = make_model(weights)
    model.eval()  # train_one_epoch must switch it to training mode itself
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    steps, calls = [], []
    real_step = opt.step

    def step(*args, **kwargs):
        steps.append({"params": [p.detach().clone() for p in model.parameters()],
                      "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
                      "training": model.training})
        return real_step(*args, **kwargs)

    def loss_fn(out, y):
        calls.append(1)
        return F.cross_entropy(out, y)

    opt.step = step
    returned = mod.train_one_epoch(model, batches, opt, loss_fn)
    return {"returned": returned, "steps": steps, "loss_calls": len(calls), "state": state(model)}


def eval_trace(mod, weights, batches, training):
    """evaluate() on a model left in train (or eval) mode; record grad mode and module mode at each forward."""
    model = make_model(weights)
    model.train(training)
    seen = []
    model.register_forward_hook(lambda m, i, o: seen.append([torch.is_grad_enabled(), m.training]))
    returned = mod.evaluate(model, batches)
    return {"returned": returned, "forwards": seen, "training_after": model.training, "state": state(model),
            "grads_none": all(p.grad is None for p in model.parameters())}


def fit_run(mod, weights, train_batches, val_batches, lr, max_epochs, patience):
    """fit() with Adam and cross-entropy; return what it returned and the final weights."""
    model = make_model(weights)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    returned = mod.fit(model, train_batches, val_batches, opt, F.cross_entropy, max_epochs, patience)
    return {"returned": returned, "state": state(model)}
