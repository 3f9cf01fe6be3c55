"""Helpers for fx-fold-conv-bn. The models below are built the same way in the worker and in the judge (same seed, same
dtype). In the worker the helpers only trace a model, call the learner's fold_conv_bn on the trace and send back raw
results: the returned graph's call nodes as (op, target) pairs, the returned module's outputs, what each folded conv
module gives on its own and its state dict, the outputs again after the folded BatchNorms' parameters were perturbed, and the given
GraphModule's graph, outputs and state dict afterwards. The judge computes every reference from its own copy of the model."""

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn
from torch.fx.node import _get_qualified_name
from grader import drive


def _fill(model, seed):
    """Random weights and running statistics from a private generator (the global RNG is not touched), eval mode."""
    g = torch.Generator().manual_seed(seed)
    for name, p in sorted(model.named_parameters()):
        with drive.grad_mode(False):
            p.copy_(torch.randn(p.shape, generator=g) * 0.5 + (1.0 if name.endswith("weight") and p.dim() == 1 else 0.0))
    for name, b in sorted(model.named_buffers()):
        with drive.grad_mode(False):
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) * 1.5 + 0.02)  # small variances: eps matters
    return model.eval()


class Plain2d(nn.Module):
    """The public example: one Conv2d without bias, one BatchNorm2d."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, bias=False)
        self.bn = nn.BatchNorm2d(3)

    def forward(self, x):
        return self.bn(self.conv(x))


class Stack2d(nn.Module):
    """Three foldable pairs: bias and no bias, groups, stride, a rectangular kernel, circular padding, dilation, a large
    eps, a BatchNorm without affine parameters."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 6, 3, padding=1)
        self.b1 = nn.BatchNorm2d(6)
        self.c2 = nn.Conv2d(6, 6, (3, 1), stride=2, padding=1, groups=3, bias=False, padding_mode="circular")
        self.b2 = nn.BatchNorm2d(6, eps=0.1)
        self.c3 = nn.Conv2d(6, 4, 2, dilation=2)
        self.b3 = nn.BatchNorm2d(4, eps=1e-3, affine=False)

    def forward(self, x):
        x = F.relu(self.b1(self.c1(x)))
        x = torch.tanh(self.b2(self.c2(x)))
        return self.b3(self.c3(x)) * 2


class Seq1d(nn.Module):
    """Conv1d + BatchNorm1d (groups, no bias), then a second pair with bias whose BatchNorm has momentum=None (a
    cumulative average: it still has running statistics)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 3, groups=2, bias=False, padding=1)
        self.b1 = nn.BatchNorm1d(6, eps=0.05)
        self.c2 = nn.Conv1d(6, 2, 1)
        self.b2 = nn.BatchNorm1d(2, momentum=None)

    def forward(self, x):
        return self.b2(self.c2(torch.tanh(self.b1(self.c1(x)))))


class Vol3d(nn.Module):
    """Conv3d + BatchNorm3d (momentum 0.0: running statistics all the same)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv3d(2, 3, (1, 2, 2), padding=(0, 1, 0))
        self.b1 = nn.BatchNorm3d(3, eps=0.02, momentum=0.0)

    def forward(self, x):
        return self.b1(self.c1(x)).sum(dim=2)


class OtherUsers(nn.Module):
    """c1's output feeds b1 and the addition: not foldable. c2 + b2 is."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 3, 3, padding=1)
        self.b1 = nn.BatchNorm2d(3)
        self.c2 = nn.Conv2d(3, 2, 1)
        self.b2 = nn.BatchNorm2d(2, eps=0.1)

    def forward(self, x):
        y = self.c1(x)
        return self.b2(self.c2(self.b1(y) + y))


class BatchStats(nn.Module):
    """b1 keeps no running statistics (it normalizes with the batch's statistics in eval mode): not foldable. c2 + b2
    is."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 1)
        self.b1 = nn.BatchNorm2d(4, track_running_stats=False)
        self.c2 = nn.Conv2d(4, 2, 3)
        self.b2 = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.b2(self.c2(self.b1(self.c1(x))))


class NotAdjacent(nn.Module):
    """An activation between c1 and b1: not foldable. c2 + b2 is."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3)
        self.act = nn.ReLU()
        self.b1 = nn.BatchNorm2d(4)
        self.c2 = nn.Conv2d(4, 4, 1, bias=False)
        self.b2 = nn.BatchNorm2d(4, eps=0.1)

    def forward(self, x):
        return self.b2(self.c2(self.b1(self.act(self.c1(x)))))


class Transposed(nn.Module):
    """A transposed convolution before b1: not folded. c2 + b2 is."""

    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(3, 4, 2, stride=2)
        self.b1 = nn.BatchNorm2d(4)
        self.c2 = nn.Conv2d(4, 3, 3)
        self.b2 = nn.BatchNorm2d(3)

    def forward(self, x):
        return self.b2(self.c2(self.b1(self.t1(x))))


class SameBn(nn.Module):
    """One conv called twice, each call followed only by the same BatchNorm: both calls fold."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3, eps=0.1)

    def forward(self, x):
        return self.bn(self.conv(x)) * self.bn(self.conv(x.flip(-1)))


class ConvAlsoAlone(nn.Module):
    """One conv called twice, once without a BatchNorm: folding would change the other call. c2 + b2 folds."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)
        self.c2 = nn.Conv2d(3, 2, 1)
        self.b2 = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.b2(self.c2(self.bn(self.conv(x)) + self.conv(x * 2)))


class TwoBns(nn.Module):
    """One conv called twice, followed by two different BatchNorms: not foldable. c2 + b2 folds."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn_a = nn.BatchNorm2d(3)
        self.bn_b = nn.BatchNorm2d(3, eps=0.1)
        self.c2 = nn.Conv2d(3, 2, 1)
        self.b2 = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.b2(self.c2(self.bn_a(self.conv(x)) + self.bn_b(self.conv(x * 2))))


class SharedOtherUsers(nn.Module):
    """One conv called twice: one call feeds only the BatchNorm, the other feeds the same BatchNorm and a product too.
    The conv must stay (folding would change the second call's other user). c2 + b2 folds."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3, eps=0.1)
        self.c2 = nn.Conv2d(3, 2, 1)
        self.b2 = nn.BatchNorm2d(2)

    def forward(self, x):
        y = self.conv(x.flip(-1))
        return self.b2(self.c2(self.bn(self.conv(x)) + self.bn(y) * y))


class BnAlsoElsewhere(nn.Module):
    """conv + bn folds; the same BatchNorm module is also called on x, and that call stays."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3, eps=0.1)

    def forward(self, x):
        return self.bn(self.conv(x)) - self.bn(x)


class Nested(nn.Module):
    """Pairs inside submodules: block.0 + block.1 and head.conv + head.bn fold, under their dotted names (the folded
    conv replaces the nested module, not an attribute of the root)."""

    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4, eps=0.1), nn.ReLU())
        self.head = nn.Module()
        self.head.conv = nn.Conv2d(4, 2, 1, bias=False)
        self.head.bn = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.head.bn(self.head.conv(self.block(x)))


class ExtraUses(nn.Module):
    """c1's output is also returned (its users: b1 and the graph's output) and c2's output also feeds a method call
    (y2.tanh()): neither is foldable. c3 + b3 is."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 3, 3, padding=1)
        self.b1 = nn.BatchNorm2d(3)
        self.c2 = nn.Conv2d(3, 3, 1)
        self.b2 = nn.BatchNorm2d(3, eps=0.1)
        self.c3 = nn.Conv2d(3, 2, 1)
        self.b3 = nn.BatchNorm2d(2)

    def forward(self, x):
        y1 = self.c1(x)
        y2 = self.c2(x)
        return self.b3(self.c3(self.b1(y1) + self.b2(y2) * y2.tanh())), y1


class DeadCall(nn.Module):
    """c1 + b1 folds; the model also calls c0 on x and never uses the result. The trace keeps that unused call node,
    and so must the fold: only the folded BatchNorm calls go (dead-code elimination would remove c0's call too)."""

    def __init__(self):
        super().__init__()
        self.c0 = nn.Conv2d(3, 2, 1)
        self.c1 = nn.Conv2d(3, 4, 3, padding=1)
        self.b1 = nn.BatchNorm2d(4, eps=0.1)

    def forward(self, x):
        self.c0(x)
        return self.b1(self.c1(x))


MODELS = {m.__name__: m for m in (Plain2d, Stack2d, Seq1d, Vol3d, OtherUsers, BatchStats, NotAdjacent, Transposed,
                                  SameBn, ConvAlsoAlone, TwoBns, SharedOtherUsers, BnAlsoElsewhere, Nested,
                                  ExtraUses, DeadCall)}

# per model: conv module name -> the BatchNorm module folded into it (the pairs a right fold_conv_bn folds)
FOLDED = {
    "Plain2d": {"conv": "bn"},
    "Stack2d": {"c1": "b1", "c2": "b2", "c3": "b3"},
    "Seq1d": {"c1": "b1", "c2": "b2"},
    "Vol3d": {"c1": "b1"},
    "OtherUsers": {"c2": "b2"},
    "BatchStats": {"c2": "b2"},
    "NotAdjacent": {"c2": "b2"},
    "Transposed": {"c2": "b2"},
    "SameBn": {"conv": "bn"},
    "ConvAlsoAlone": {"c2": "b2"},
    "TwoBns": {"c2": "b2"},
    "SharedOtherUsers": {"c2": "b2"},
    "BnAlsoElsewhere": {"conv": "bn"},
    "Nested": {"block.0": "block.1", "head.conv": "head.bn"},
    "ExtraUses": {"c3": "b3"},
    "DeadCall": {"c1": "b1"},
}
# per model: how many call nodes of each BatchNorm module a right fold removes
REMOVED = {
    "Plain2d": {"bn": 1},
    "Stack2d": {"b1": 1, "b2": 1, "b3": 1},
    "Seq1d": {"b1": 1, "b2": 1},
    "Vol3d": {"b1": 1},
    "OtherUsers": {"b2": 1},
    "BatchStats": {"b2": 1},
    "NotAdjacent": {"b2": 1},
    "Transposed": {"b2": 1},
    "SameBn": {"bn": 2},
    "ConvAlsoAlone": {"b2": 1},
    "TwoBns": {"b2": 1},
    "SharedOtherUsers": {"b2": 1},
    "BnAlsoElsewhere": {"bn": 1},
    "Nested": {"block.1": 1, "head.bn": 1},
    "ExtraUses": {"b3": 1},
    "DeadCall": {"b1": 1},
}
# per model: the channels of the input, its number of spatial dimensions
INPUT = {"Seq1d": (4, 1), "Vol3d": (2, 3)}


def build(name, seed, dtype=torch.float64, device="cpu"):
    torch_model = MODELS[name]()
    return _fill(torch_model, seed).to(device=device, dtype=dtype)


def _target(node):
    t = node.target
    if isinstance(t, str):
        return t
    try:
        return _get_qualified_name(t)
    except Exception:
        return repr(t)


def call_nodes(gm):
    """The graph's call nodes as [op, target] pairs, in order."""
    return [[n.op, _target(n)] for n in gm.graph.nodes if n.op in ("call_function", "call_method", "call_module")]


def _perturb(module, names):
    for name in names:
        try:
            bn = module.get_submodule(name)
        except AttributeError:
            continue
        with drive.grad_mode(False):
            for attr, change in (("running_mean", lambda t: t.add_(1.5)), ("running_var", lambda t: t.mul_(4.0)),
                                 ("weight", lambda t: t.mul_(-2.0)), ("bias", lambda t: t.add_(3.0))):
                t = getattr(bn, attr, None)
                if isinstance(t, torch.Tensor):
                    change(t)


def fold(mod, name, seed, dtype, device, inputs, conv_inputs, perturb=()):
    """Trace the model, fold it with the learner's fold_conv_bn, and report what came back (see the module docstring).
    conv_inputs maps a conv module name to an input for that module alone; perturb names the BatchNorm modules whose
    parameters and statistics are changed (in the result and in the given GraphModule) before the last run."""
    model = build(name, seed, dtype, device)
    gm = torch.fx.symbolic_trace(model)
    out = mod.fold_conv_bn(gm)
    report = {"type": type(out).__qualname__, "is_graph_module": isinstance(out, torch.fx.GraphModule)}
    if not report["is_graph_module"]:
        return report
    report["nodes"] = call_nodes(out)
    with drive.grad_mode(False):
        report["outputs"] = [out(x) for x in inputs]
        alone, params, param_names = {}, {}, {}
        for conv_name, x in conv_inputs.items():
            try:
                sub = out.get_submodule(conv_name)
            except AttributeError:
                alone[conv_name] = "missing"
                continue
            alone[conv_name] = sub(x)
            params[conv_name] = {key: value.detach() if isinstance(value, torch.Tensor) else type(value).__name__
                                 for key, value in sub.state_dict().items()}
            param_names[conv_name] = sorted(key for key, _ in sub.named_parameters())
        report["alone"] = alone
        report["params"] = params
        report["param_names"] = param_names
        report["original_nodes"] = call_nodes(gm)
        report["original_outputs"] = [gm(x) for x in inputs]
        report["original_state"] = {key: value.detach() if isinstance(value, torch.Tensor) else type(value).__name__
                                    for key, value in gm.state_dict().items()}
        if perturb:
            _perturb(out, perturb)
            _perturb(gm, perturb)
            report["perturbed"] = [out(x) for x in inputs]
    return report
