"""Trusted helpers for fix-single-logit-mlp, run in the worker: build the learner's MLP, drive its functions,
and hand back what they produced (layer names, parameters, losses, gradients, predictions). Every reference
and every comparison is in the judge."""

import torch
from grader import drive


def seed_names(model):
    """The model's parameters under the seed's names, `model.<i>.weight` and `model.<i>.bias` with i the layer's
    position in model.model, whatever the learner named the Sequential's children (an OrderedDict of named layers is
    the same layout); a parameter outside model.model keeps its own name."""
    named, inside = {}, set()
    for i, layer in enumerate(model.model):
        for name, p in layer.named_parameters():
            named[f"model.{i}.{name}"] = p
            inside.add(id(p))
    for name, p in model.named_parameters():
        if id(p) not in inside:
            named[name] = p
    return named


def build(mod, input_size, hidden_sizes, output_size, weights=None, dtype=torch.float64, device="cpu"):
    """The learner's model with the given weights (keyed by the seed's names: see seed_names), loaded as strictly as
    load_state_dict would: a missing or extra parameter, or another shape, is an error."""
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size).to(device, dtype)
    if weights is not None:
        params = seed_names(model)
        if set(params) != set(weights):
            raise RuntimeError(f"the model's parameters are {sorted(params)}, expected {sorted(weights)}")
        with drive.grad_mode(False):
            for k, v in weights.items():
                if params[k].shape != v.shape:
                    raise RuntimeError(f"size mismatch for {k}: the model has {tuple(params[k].shape)}, expected "
                                       f"{tuple(v.shape)}")
                params[k].copy_(v)
    return model


def _kind(layer):
    """"Linear" for an nn.Linear (a subclass included: it is a Linear, whatever its class is called), "ReLU" for an
    nn.ReLU (likewise), the type name of anything else."""
    if isinstance(layer, torch.nn.Linear):
        return "Linear"
    if isinstance(layer, torch.nn.ReLU):
        return "ReLU"
    return type(layer).__name__


def describe(mod, input_size, hidden_sizes, output_size):
    """The kinds of model.model's layers in order (see _kind), and the parameters (see seed_names); then a second
    model built from the same hidden_sizes list object: its layers, and that list as it is afterwards."""
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size)
    again = mod.MultiLayerNN(input_size, hidden_sizes, output_size)
    return {"layers": [_kind(m) for m in model.model],
            "params": {k: v.detach().clone() for k, v in seed_names(model).items()},
            "layers_again": [_kind(m) for m in again.model], "hidden_after": list(hidden_sizes)}


def forward(mod, input_size, hidden_sizes, output_size, weights, x):
    return build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)(x)


def first_step_grads(mod, input_size, hidden_sizes, output_size, weights, x, y):
    """classification_loss of the model at the given weights, and every parameter's gradient after backward()."""
    model = build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)
    loss = mod.classification_loss(model(x), y)
    loss.backward()
    return {"loss": loss.detach(), "grads": {k: p.grad for k, p in seed_names(model).items()}}


def train(mod, input_size, hidden_sizes, output_size, weights, x, y, x_test, epochs, lr, stale_grads=None,
          again=None):
    """Train with the learner's train_classifier (the model may arrive with stale .grad), then its predict() on x_test.
    With again=(epochs2, lr2), train_classifier is then called a second time on the same model with those arguments.

    Returns the losses it returned (those of the second call too), the parameters afterwards, and the predictions."""
    model = build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)
    if stale_grads is not None:
        for k, p in seed_names(model).items():
            p.grad = stale_grads[k].clone()
    losses = mod.train_classifier(model, x, y, epochs, lr)
    if again is not None:
        return {"losses": losses, "losses_again": mod.train_classifier(model, x, y, *again),
                "params": {k: v.detach().clone() for k, v in seed_names(model).items()}}
    with drive.grad_mode(False):
        pred = mod.predict(model(x_test))
    return {"losses": losses, "params": {k: v.detach().clone() for k, v in seed_names(model).items()},
            "pred": pred}
