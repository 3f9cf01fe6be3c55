"""Helpers for debug-hooks, run in the worker and (a trusted copy) in the judge. In the worker they only drive the
learner's functions (backward passes with its hooks, models, repeated calls) and return raw results: its logs, its
answers, the model's outputs and the hooks left on the model afterwards.

Every model first_nonfinite_module is graded on is drawn per run: the judge draws a *spec* (plain data: nested blocks
with random names, layers with their float64 weights, maybe a NaN made by the root's own forward) and an input, the
probe builds the model with `model(spec)` (the one builder, so no code object or class says where the answer is) and
hands it to the learner, and the judge builds its own copy from the same spec and finds the answer with forward hooks
itself."""

from collections import OrderedDict, namedtuple

import torch
from torch import nn
from grader import drive


class Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


class Sqrt(nn.Module):
    def forward(self, x):
        return torch.sqrt(x)


class Scale(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, x):
        return x * self.c


Inner = namedtuple("Inner", ["first", "second"])


class Pair(nn.Module):
    """Returns (x, Inner(x, exp(|x| + c))) (or with the inner pair swapped), the inner pair a namedtuple (a tuple
    subclass, as torch.return_types are): an inf, when exp overflows, only deep inside a nested tuple."""

    def __init__(self, c, swap):
        super().__init__()
        self.c, self.swap = c, swap

    def forward(self, x):
        big = torch.exp(x.abs() + self.c)
        return x, (Inner(big, x) if self.swap else Inner(x, big))


class Swell(nn.Module):
    """(sigmoid(x) + 1) * 8e307: finite values whose sum overflows to inf (a Scale(1e-307) after it brings them back)."""

    def forward(self, x):
        return (torch.sigmoid(x) + 1) * 8e307


class First(nn.Module):
    def forward(self, pair):
        return pair[0]


class Net(nn.Sequential):
    """A Sequential whose own forward may end with log(out - shift): a NaN made by the root itself, by no submodule."""

    def __init__(self, blocks, shift=None):
        super().__init__(blocks)
        self.shift = shift

    def forward(self, x):
        out = super().forward(x)
        return out if self.shift is None else torch.log(out - self.shift)


def layer(spec):
    kind = spec[0]
    if kind == "linear":
        weight, bias = spec[1], spec[2]
        m = nn.Linear(weight.shape[1], weight.shape[0])
        with drive.grad_mode(False):
            m.weight.copy_(weight)
            m.bias.copy_(bias)
        return m
    if kind == "scale":
        return Scale(spec[1])
    if kind == "pair":
        return Pair(spec[1], bool(spec[2]))
    if kind == "bn":  # a BatchNorm1d in training mode whose running variance is -1: finite in training mode only
        m = nn.BatchNorm1d(int(spec[1]))
        with drive.grad_mode(False):
            m.running_var.fill_(-1.0)
        return m
    return {"swell": Swell, "tanh": nn.Tanh, "relu": nn.ReLU, "log": Log, "exp": Exp, "sqrt": Sqrt, "first": First}[kind]()


def block(items):
    """[[name, item], ...] -> OrderedDict of modules; an item is a layer spec (a list starting with its kind),
    ["seq", [[name, item], ...]] for a nested Sequential, or ["net", [[name, item], ...], shift] for a nested Net (a
    container whose own forward may make a NaN from its children's finite outputs), or ["again", earlier_name]: the
    module built under that earlier name of the same container, called a second time (named_modules lists it once,
    under its first name)."""
    out = OrderedDict()
    for name, item in items:
        if item[0] == "again":
            out[name] = out[item[1]]
        elif item[0] == "seq":
            out[name] = nn.Sequential(block(item[1]))
        elif item[0] == "net":
            out[name] = Net(block(item[1]), item[2])
        else:
            out[name] = layer(item)
    return out


def model(spec):
    """The model spec describes: {"blocks": [[name, item], ...], "shift": None or a float}, in float64."""
    return Net(block(spec["blocks"]), spec["shift"]).double()


# The models the logger is graded on: "plain" is a float32 MLP, every loss out.pow(2).sum(); "float64" is the same MLP
# in float64 with its nested Linear frozen (requires_grad=False: its names are in named_parameters, it gets no
# gradient) and followed by a BatchNorm1d (whose buffers are in state_dict but not in named_parameters), the first
# pass's loss out.sum() * 1e100 and the second's out.sum() * 1e-100, so that some gradients are beyond float32's range
# (the last bias's gradient is exactly scale * batch) and others below it; "float16" is the plain MLP in float16 with
# losses out.sum() * 100 and out.sum() * 1e-5: the last bias's gradient is then 600, whose square overflows float16,
# and then 6e-5, whose square underflows it.
VARIANTS = {"plain": {"dtype": torch.float32, "frozen": False, "bn": False, "scales": [None, None, None]},
            "float64": {"dtype": torch.float64, "frozen": True, "bn": True, "scales": [1e100, 1e-100, None]},
            "float16": {"dtype": torch.float16, "frozen": False, "bn": False, "scales": [100.0, 1e-5, None]},
            "gain": {"dtype": torch.float64, "frozen": False, "bn": False, "scales": [None, 0.0, None], "gain": True},
            "tied": {"dtype": torch.float64, "frozen": False, "bn": False, "scales": [None, None, None], "tied": True}}


class Gain(nn.Module):
    """x * gain, per feature: a parameter named neither weight nor bias; and a zero-element parameter the forward uses
    (its gradient is empty each pass, of norm 0.0, which is logged like any other)."""

    def __init__(self, width):
        super().__init__()
        self.gain = nn.Parameter(torch.linspace(0.5, 1.5, width))
        self.empty = nn.Parameter(torch.zeros(0))

    def forward(self, x):
        return x * self.gain + self.empty.sum()


def mlp(seed, device, variant="plain"):
    torch.manual_seed(seed)
    inner = [nn.Linear(5, 4), nn.BatchNorm1d(4), nn.ReLU()] if VARIANTS[variant]["bn"] else [nn.Linear(5, 4), nn.ReLU()]
    first = [nn.Linear(3, 5), Gain(5)] if VARIANTS[variant].get("gain") else [nn.Linear(3, 5)]
    if VARIANTS[variant].get("tied"):  # two Linear(5, 5) sharing one weight: named_parameters() names it once
        first += [nn.Tanh(), nn.Linear(5, 5), nn.Tanh(), nn.Linear(5, 5)]
    model = nn.Sequential(*first, nn.Tanh(), nn.Sequential(*inner), nn.Linear(4, 1))
    if VARIANTS[variant].get("tied"):
        model[4].weight = model[2].weight
    model = model.to(device=device, dtype=VARIANTS[variant]["dtype"])
    if VARIANTS[variant]["frozen"]:
        model[2][0].requires_grad_(False)
    return model


def grad_inputs(seed, device, n=3, variant="plain"):
    g = torch.Generator().manual_seed(seed + 1)
    return [torch.randn(6, 3, generator=g).to(device=device, dtype=VARIANTS[variant]["dtype"]) for _ in range(n)]


def loss_of(model, x, scale=None):
    out = model(x)
    return out.pow(2).sum() if scale is None else out.sum() * scale


def grad_log(mod, seed, device="cpu", variant="plain"):
    """Two backward passes without zeroing, then every returned handle removed and a third."""
    model = mlp(seed, device, variant)
    xs = grad_inputs(seed, device, variant=variant)
    scales = VARIANTS[variant]["scales"]
    log, handles = mod.attach_grad_norm_logger(model)
    for x, scale in zip(xs[:2], scales):
        loss_of(model, x, scale).backward()
    for h in handles if isinstance(handles, (list, tuple)) else []:
        h.remove()
    loss_of(model, xs[2], scales[2]).backward()
    return {"log": {k: list(v) for k, v in log.items()} if isinstance(log, dict) else log,
            "handles": len(handles) if isinstance(handles, (list, tuple)) else -1}


TWICE_PASSES = (0, 0, 1)  # the inputs of the three passes of grad_log_twice: the first batch twice, then another


def grad_log_twice(mod, seed, device="cpu"):
    """Two calls on one model, the second after one backward pass: pass A, second call, pass B (the same batch as A:
    the same gradient, which is logged again), the first call's handles removed, pass C. The first log should hold
    A and B, the second B and C."""
    model = mlp(seed, device)
    xs = [grad_inputs(seed, device)[i] for i in TWICE_PASSES]
    log1, handles1 = mod.attach_grad_norm_logger(model)
    loss_of(model, xs[0]).backward()
    log2, _ = mod.attach_grad_norm_logger(model)
    loss_of(model, xs[1]).backward()
    for h in handles1 if isinstance(handles1, (list, tuple)) else []:
        h.remove()
    loss_of(model, xs[2]).backward()
    copy = lambda log: {k: list(v) for k, v in log.items()} if isinstance(log, dict) else log  # noqa: E731
    return {"first": copy(log1), "second": copy(log2)}



def hooks_on(model):
    """The hooks attached to each module of the model (by name) and the global module hooks, right now."""
    per_module = {}
    for name, m in model.named_modules():
        n = sum(len(getattr(m, attr, {})) for attr in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                                                         "_backward_pre_hooks"))
        if n:
            per_module[name or "(the model itself)"] = n
    glob = torch.nn.modules.module
    n_global = sum(len(getattr(glob, attr, {})) for attr in ("_global_forward_hooks", "_global_forward_pre_hooks",
                                                             "_global_backward_hooks", "_global_backward_pre_hooks"))
    if n_global:
        per_module["(global module hooks)"] = n_global
    return per_module


def nonfinite(mod, spec, x):
    """The learner's answer for the model spec describes on input x, and the hooks left on the model afterwards."""
    m = model(spec).to(x.device)
    got = mod.first_nonfinite_module(m, x)
    return {"got": got, "hooks_left": hooks_on(m)}


def nonfinite_raises(mod, spec, x):
    """The learner's function on a model whose forward pass raises (a Linear of the wrong width near the end): whether
    the call raised (and the error's type), and the hooks left on the model afterwards."""
    m = model(spec).to(x.device)
    try:
        mod.first_nonfinite_module(m, x)
        raised = None
    except Exception as e:  # the learner's error or the model's own
        raised = type(e).__name__
    return {"raised": raised, "hooks_left": hooks_on(m)}


def nonfinite_repeated(mod, spec, xs):
    """One model, one call per input of xs in that order; then a plain forward pass of each input. Returns the
    answers, the plain outputs and the hooks left."""
    m = model(spec).to(xs[0].device)
    answers = [mod.first_nonfinite_module(m, x) for x in xs]
    with drive.grad_mode(False):
        plain = [m(x) for x in xs]
    return {"answers": answers, "plain": plain, "hooks_left": hooks_on(m)}
