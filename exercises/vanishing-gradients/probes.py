"""Helpers for vanishing-gradients. In the worker they only build the networks, call the learner's code and return
raw results (its norms; for its stable net, the output and every nn.Linear's weight gradient norm). The judge loads
this file too, to build the same networks and data, and computes every reference in the graders (no reference
implementation lives here, where learner code could call it)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader import drive


def sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


class _Res(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.inner = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.Tanh())

    def forward(self, x):
        return x + self.inner(x)


def residual_tanh(depth, width):
    return nn.Sequential(*[_Res(width) for _ in range(depth)], nn.Linear(width, 1))


class Mix(nn.Module):
    """Not an nn.Linear, yet it has a 2-D parameter called `weight`."""

    def __init__(self, width):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(width, width) / width ** 0.5)

    def forward(self, x):
        return x @ self.weight


def mixed(depth, width):
    """Linear layers with and without bias, an nn.Linear subclass, and a 2-D `weight` that is no Linear's."""
    from torch.nn.modules.linear import NonDynamicallyQuantizableLinear

    return nn.Sequential(nn.Linear(width, width, bias=False), nn.Tanh(), Mix(width),
                         nn.Sequential(NonDynamicallyQuantizableLinear(width, width), nn.Tanh()),
                         *[nn.Sequential(nn.Linear(width, width), nn.Tanh()) for _ in range(max(0, depth - 3))],
                         nn.Linear(width, 1))


class SelfBilinear(nn.Module):
    """nn.Bilinear(x, x): its class is named like a Linear, but it is not one."""

    def __init__(self, width):
        super().__init__()
        self.bilinear = nn.Bilinear(width, width, width)

    def forward(self, x):
        return self.bilinear(x, x) / x.shape[-1]


def shared(depth, width):
    """One nn.Linear used at two places (model.modules() lists it once; its gradient sums both uses) and an
    nn.Bilinear, which is no nn.Linear."""
    twice = nn.Linear(width, width)
    return nn.Sequential(twice, nn.Tanh(), SelfBilinear(width), nn.Tanh(), twice, nn.Tanh(),
                         *[nn.Sequential(nn.Linear(width, width), nn.Tanh()) for _ in range(max(0, depth - 3))],
                         nn.Linear(width, 1))


def tied(depth, width):
    """Two nn.Linear modules sharing one weight Parameter (tied weights): model.modules() lists both, and each one's
    weight gradient is that shared weight's (the sum over both uses)."""
    first, second = nn.Linear(width, width), nn.Linear(width, width)
    second.weight = first.weight
    return nn.Sequential(first, nn.Tanh(), second, nn.Tanh(),
                         *[nn.Sequential(nn.Linear(width, width), nn.Tanh()) for _ in range(max(0, depth - 3))],
                         nn.Linear(width, 1))


def batchnorm(depth, width):
    """Linear, BatchNorm1d, Tanh blocks, left in train mode: the loss uses the batch's statistics (in eval mode it
    would use the running ones and differ), so linear_grad_norms must not switch the model's mode."""
    return nn.Sequential(*[nn.Sequential(nn.Linear(width, width), nn.BatchNorm1d(width), nn.Tanh())
                           for _ in range(depth)], nn.Linear(width, 1))


class InFloat64(nn.Module):
    """The wrapped network in float64 (float32 inputs and output): its weight gradients are float64, and far smaller
    than float32 can hold accurately in a deep sigmoid MLP."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner.double()

    def forward(self, x):
        return self.inner(x.double()).float()


def sigmoid_mlp_float64(depth, width):
    return InFloat64(sigmoid_mlp(depth, width))


def single(depth, width):
    """The model is itself one nn.Linear: model.modules() starts with the model."""
    return nn.Linear(width, 1)


BUILDERS = {"sigmoid": sigmoid_mlp, "residual": residual_tanh, "mixed": mixed, "shared": shared, "tied": tied,
            "batchnorm": batchnorm, "sigmoid64": sigmoid_mlp_float64, "single": single}


def data(seed, width, device, batch=32):
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, width, generator=g).to(device)
    y = torch.randn(batch, 1, generator=g).to(device)
    return x, y


def network(which, depth, width, seed, device):
    torch.manual_seed(seed)
    return BUILDERS[which](depth, width).to(device)


def measure(mod, which, depth, width, seed, device, stale=False):
    """The learner's norms for one of the graders' networks (optionally with stale gradients in .grad first: on every
    parameter, or with stale="partial" on every parameter but the first, as an earlier backward that did not reach
    the first layer leaves them)."""
    model = network(which, depth, width, seed, device)
    x, y = data(seed, width, device)
    if stale:
        g = torch.Generator().manual_seed(seed + 2)
        for i, p in enumerate(model.parameters()):
            if stale == "partial" and i == 0:
                continue
            p.grad = (torch.randn(p.shape, generator=g) * 10).to(device)
    return mod.linear_grad_norms(model, x, y)


def step(model, seed):
    """Move every parameter as a training step would (a fixed, seeded nudge), in the worker and in the judge alike."""
    g = torch.Generator().manual_seed(seed + 3)
    with drive.grad_mode(False):
        for p in model.parameters():
            p.add_((torch.randn(p.shape, generator=g) * 0.2).to(p.device, p.dtype))


def measure_again(mod, which, depth, width, seed, device):
    """The learner's norms on one model, twice: on the graders' batch, then after a step moved every weight, on
    another batch (what a second measurement in a training run asks)."""
    model = network(which, depth, width, seed, device)
    x, y = data(seed, width, device)
    first = mod.linear_grad_norms(model, x, y)
    step(model, seed)
    x, y = data(seed + 5, width, device)
    return [first, mod.linear_grad_norms(model, x, y)]


def stable(mod, depth, width, seed, device):
    """Build the learner's stable net, re-initialise every submodule with its reset_parameters() (PyTorch's default
    initialisation), run one batch and backward; return the output and, for every nn.Linear in modules() order,
    (in_features, out_features, the weight gradient's norm or None)."""
    torch.manual_seed(seed)
    model = mod.make_stable_deep_net(depth, width)
    if not isinstance(model, nn.Module):
        return {"module": False}
    model = model.to(device)
    torch.manual_seed(seed)
    for m in model.modules():
        reset = getattr(m, "reset_parameters", None)
        if callable(reset):
            reset()
    model.zero_grad(set_to_none=True)
    x, y = data(seed, width, device)
    out = model(x)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (x.shape[0], 1):
        return {"module": True, "out": out, "linears": []}
    F.mse_loss(out, y).backward()
    linears = [(m.in_features, m.out_features, None if m.weight.grad is None else float(m.weight.grad.norm()))
               for m in model.modules() if isinstance(m, nn.Linear)]
    return {"module": True, "out": out.detach(), "linears": linears}
