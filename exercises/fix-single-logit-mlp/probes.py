"""Trusted helpers for fix-single-logit-mlp, run in the worker: build the learner's MLP, drive its functions,
and hand back what they produced (layer names, parameters, losses, gradients, predictions). Every reference
and every comparison is in the judge."""

import torch


def build(mod, input_size, hidden_sizes, output_size, weights=None, dtype=torch.float64, device="cpu"):
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size).to(device, dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model


def describe(mod, input_size, hidden_sizes, output_size):
    """The type names of model.model's layers in order, and the parameters by name."""
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size)
    return {"layers": [type(m).__name__ for m in model.model],
            "params": {k: v.detach().clone() for k, v in model.named_parameters()}}


def forward(mod, input_size, hidden_sizes, output_size, weights, x):
    return build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)(x)


def first_step_grads(mod, input_size, hidden_sizes, output_size, weights, x, y):
    """classification_loss of the model at the given weights, and every parameter's gradient after backward()."""
    model = build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)
    loss = mod.classification_loss(model(x), y)
    loss.backward()
    return {"loss": loss.detach(), "grads": {k: p.grad for k, p in model.named_parameters()}}


def train(mod, input_size, hidden_sizes, output_size, weights, x, y, x_test, epochs, lr, stale_grads=None,
          again=None):
    """Train with the learner's train_classifier (the model may arrive with stale .grad), then its predict() on x_test.
    With again=(epochs2, lr2), train_classifier is then called a second time on the same model with those arguments.

    Returns the losses it returned (those of the second call too), the parameters afterwards, and the predictions."""
    model = build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)
    if stale_grads is not None:
        for k, p in model.named_parameters():
            p.grad = stale_grads[k].clone()
    losses = mod.train_classifier(model, x, y, epochs, lr)
    if again is not None:
        return {"losses": losses, "losses_again": mod.train_classifier(model, x, y, *again),
                "params": {k: v.detach().clone() for k, v in model.named_parameters()}}
    with torch.no_grad():
        pred = mod.predict(model(x_test))
    return {"losses": losses, "params": {k: v.detach().clone() for k, v in model.named_parameters()},
            "pred": pred}
