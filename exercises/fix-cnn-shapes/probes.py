"""Trusted helpers for fix-cnn-shapes, run in the worker: evaluate the learner's formulas and drive its CNN.

They hand back raw results (formula values, parameters, logits); every count, size, accuracy and comparison is
computed in the judge."""

import torch


def formulas(mod, conv_cfgs, pool_cfgs):
    """Each configuration is (positional args, keyword args)."""
    return {"conv": [mod.conv2d_out(*a, **k) for a, k in conv_cfgs],
            "pool": [mod.pool2d_out(*a, **k) for a, k in pool_cfgs]}


def parameters(mod, in_channels, n_classes, input_size):
    """The named parameters of SimpleCNN(in_channels, n_classes, input_size)."""
    model = mod.SimpleCNN(in_channels, n_classes, input_size)
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def forward(mod, in_channels, n_classes, input_size, weights, x):
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device, x.dtype)
    if weights is not None:
        model.load_state_dict(weights)
    return model(x)


def learn(mod, in_channels, n_classes, input_size, x, y, x_test, epochs, batch_size, init_seed):
    """Train with the module's train loop from a seeded initialisation; return the test logits."""
    torch.manual_seed(init_seed)
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device)
    mod.train(model, x, y, epochs, batch_size)
    with torch.no_grad():
        return model(x_test)
