"""Trusted helpers for fix-cnn-shapes, run in the worker: evaluate the learner's formulas and drive its CNN.

They hand back raw results (formula values, parameters, logits); every count, size, accuracy and comparison is
computed in the judge."""

import torch

from grader import drive


def formulas(mod, conv_cfgs, pool_cfgs):
    """Each configuration is (positional args, keyword args)."""
    return {"conv": [mod.conv2d_out(*a, **k) for a, k in conv_cfgs],
            "pool": [mod.pool2d_out(*a, **k) for a, k in pool_cfgs]}


def parameters(mod, in_channels, n_classes, input_size):
    """The named parameters of SimpleCNN(in_channels, n_classes, input_size)."""
    model = mod.SimpleCNN(in_channels, n_classes, input_size)
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def parameters_called(mod, args, kwargs):
    """The named parameters of SimpleCNN(*args, **kwargs): arguments by keyword or left at their defaults."""
    model = mod.SimpleCNN(*args, **kwargs)
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def train_given(mod, in_channels, n_classes, input_size, weights, x, y, epochs, batch_size):
    """The module's train loop (lr left at its default) on SimpleCNN(in_channels, n_classes, input_size) in x's dtype,
    started from the given weights; the parameters afterwards."""
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device, x.dtype)
    drive.load_parameters(model, weights)
    mod.train(model, x, y, epochs, batch_size)
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def forward(mod, in_channels, n_classes, input_size, weights, x, channels_last=False):
    """SimpleCNN's logits for x (handed over in channels_last memory format when asked: the same values, NHWC
    strides, as images often come)."""
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device, x.dtype)
    if weights is not None:
        drive.load_parameters(model, weights)
    return model(x)


def learn(mod, in_channels, n_classes, input_size, x, y, x_test, epochs, batch_size, init_seed):
    """Train with the module's train loop from a seeded initialisation; return the test logits."""
    torch.manual_seed(init_seed)
    model = mod.SimpleCNN(in_channels, n_classes, input_size).to(x.device)
    mod.train(model, x, y, epochs, batch_size)
    with drive.grad_mode(False):
        return model(x_test)
