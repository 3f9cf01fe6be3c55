"""Trusted helpers for fix-single-logit-mlp, run in the worker: build the learner's MLP and report on it."""

import torch


def build(mod, input_size, hidden_sizes, output_size, weights=None, dtype=torch.float64, device="cpu"):
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size).to(device, dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model


def describe(mod, input_size, hidden_sizes, output_size):
    """Layer types of model.model in order, parameter shapes by name, and the parameter count."""
    model = mod.MultiLayerNN(input_size, hidden_sizes, output_size)
    return {"layers": [type(m).__name__ for m in model.model],
            "shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "count": sum(p.numel() for p in model.parameters())}


def forward(mod, input_size, hidden_sizes, output_size, weights, x):
    return build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)(x)


def first_step_grad_norm(mod, input_size, hidden_sizes, weights, x, y):
    """The loss and the total gradient norm of classification_loss at the given weights."""
    model = build(mod, input_size, hidden_sizes, weights["model.%d.weight" % (2 * len(hidden_sizes))].shape[0],
                  weights, x.dtype, x.device)
    loss = mod.classification_loss(model(x), y)
    loss.backward()
    return {"loss": loss.detach(), "norm": torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))}


def train_and_score(mod, input_size, hidden_sizes, output_size, weights, x, y, x_test, y_test, epochs, lr):
    """Train with the learner's train_classifier, then score its predict() on held-out data."""
    model = build(mod, input_size, hidden_sizes, output_size, weights, x.dtype, x.device)
    losses = mod.train_classifier(model, x, y, epochs, lr)
    with torch.no_grad():
        pred = mod.predict(model(x_test))
    return {"losses": losses, "accuracy": (pred == y_test).double().mean()}
