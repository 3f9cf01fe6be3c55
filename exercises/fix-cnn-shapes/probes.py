"""Trusted helpers for fix-cnn-shapes, run in the worker: evaluate the formulas and build the learner's CNN."""

import torch


def formulas(mod, conv_cfgs, pool_cfgs):
    return {"conv": [mod.conv2d_out(*c) for c in conv_cfgs], "pool": [mod.pool2d_out(*c) for c in pool_cfgs]}


def describe(mod, in_channels, n_classes, input_size):
    model = mod.SimpleCNN(in_channels, n_classes, input_size)
    return {"in_features": model.fc1.in_features, "count": sum(p.numel() for p in model.parameters()),
            "shapes": {k: list(v.shape) for k, v in model.state_dict().items()}}


def forward(mod, in_channels, n_classes, input_size, weights, x):
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device, x.dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model(x)


def learn(mod, in_channels, n_classes, input_size, x, y, x_test, y_test, epochs, batch_size, init_seed):
    torch.manual_seed(init_seed)
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device)
    mod.train(model, x, y, epochs, batch_size)
    with torch.no_grad():
        logits = model(x_test)
    return {"accuracy": (logits.argmax(1) == y_test).double().mean(), "min_logit": logits.min()}
