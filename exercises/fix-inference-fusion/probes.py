"""Helpers for fix-inference-fusion. In the worker they only build layers from a seed, call the learner's functions
and send back what the returned modules hold and compute (their parameters, settings and outputs) and the given
layers afterwards. The judge loads this file too (load_sibling) to build the same layers and compute every reference."""

import torch
from torch import nn
from grader import drive

DTYPES = {"float64": torch.float64, "float32": torch.float32, "bfloat16": torch.bfloat16}


def linears(seed, bias1, bias2, dtype="float64", device="cpu", sizes=(5, 7, 3)):
    torch.manual_seed(seed)
    fc1 = nn.Linear(sizes[0], sizes[1], bias=bias1).to(device=device, dtype=DTYPES[dtype])
    fc2 = nn.Linear(sizes[1], sizes[2], bias=bias2).to(device=device, dtype=DTYPES[dtype])
    return fc1, fc2


def conv_bn(seed, spec, device="cpu"):
    """spec: dict with in/out channels, kernel, stride, padding, dilation, groups, bias, eps, dtype (padding_mode)."""
    torch.manual_seed(seed)
    conv = nn.Conv2d(spec["cin"], spec["cout"], spec["kernel"], stride=spec["stride"], padding=spec["padding"],
                     dilation=spec["dilation"], groups=spec["groups"], bias=spec["bias"],
                     padding_mode=spec.get("padding_mode", "zeros"))
    bn = nn.BatchNorm2d(spec["cout"], eps=spec["eps"], affine=spec.get("affine", True))
    conv, bn = conv.to(device=device, dtype=DTYPES[spec["dtype"]]), bn.to(device=device, dtype=DTYPES[spec["dtype"]])
    with drive.grad_mode(False):  # non-trivial running statistics and affine parameters, gamma of both signs
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.2, 3.0)
        if bn.affine:  # affine=False: no weight or bias (gamma 1, beta 0)
            bn.weight.uniform_(-2.0, 2.0)
            bn.bias.uniform_(-1, 1)
    return conv, bn.eval()


def _params(module):
    return {name: t.detach().clone() for name, t in module.state_dict().items()}


def _linear_facts(f, x):
    if not isinstance(f, nn.Module):
        return {"is_module": False, "type": type(f).__qualname__}
    weight = getattr(f, "weight", None)
    if isinstance(weight, torch.Tensor) and weight.dtype != x.dtype and weight.dtype.is_floating_point:
        # run on x it would only raise a dtype mismatch: run it on x in its own dtype, so that the judge's message
        # names the dtype the module computes in (the output's dtype), not a missing output
        with drive.grad_mode(False):
            out = f(x.to(weight.dtype))
    else:
        with drive.grad_mode(False):
            out = f(x)
    # an nn.Linear or nn.Conv2d is one whatever its class is called (a subclass too)
    kind = "Linear" if isinstance(f, nn.Linear) else "Conv2d" if isinstance(f, nn.Conv2d) else type(f).__qualname__
    return {"is_module": True, "type": kind, "weight": getattr(f, "weight", None), "bias": getattr(f, "bias", None),
            "out": out}


def _backward_grads(f, x):
    """Back-propagate sum(f(x)) through the returned module, as the first step of training it does: each of its
    parameters' .grad afterwards (None where it got none), or the error raised."""
    if not isinstance(f, nn.Module):
        return None
    try:
        with drive.grad_mode(True):
            for p in f.parameters():
                p.grad = None
            f(x).sum().backward()
    except RuntimeError as e:
        return f"RuntimeError: {e}"[:300]
    return [None if p.grad is None else p.grad.detach().clone() for p in f.parameters()]


def _written_into(f, given):
    """Write into every parameter of the returned module f, then read the given layers: the judge sees whether f
    shares a tensor with them (the returned module is the caller's to train)."""
    if not isinstance(f, nn.Module):
        return None
    try:
        with drive.grad_mode(False):
            for p in f.parameters():
                p.fill_(7.0)
    except RuntimeError as e:
        return f"RuntimeError: {e}"[:300]
    return [_params(m) for m in given]


def fused(mod, seed, bias1, bias2, x, dtype="float64", sizes=(5, 7, 3)):
    """The learner's fuse_linears on layers built from the seed (fc1: sizes[0] -> sizes[1], fc2: sizes[1] ->
    sizes[2]); the given layers afterwards."""
    fc1, fc2 = linears(seed, bias1, bias2, dtype, x.device, tuple(sizes))
    f = mod.fuse_linears(fc1, fc2)
    facts = _detach(_linear_facts(f, x))
    facts["given_after"] = [_params(fc1), _params(fc2)]
    facts["grads"] = _backward_grads(f, x)
    facts["given_after_write"] = _written_into(f, (fc1, fc2))
    return facts


def folded(mod, seed, spec, x):
    """The learner's fold_conv_bn on a conv and an eval BatchNorm built from the seed; the given layers afterwards."""
    conv, bn = conv_bn(seed, spec, x.device)
    f = mod.fold_conv_bn(conv, bn)
    facts = _linear_facts(f, x)
    if facts["is_module"]:
        facts["settings"] = {k: _plain(getattr(f, k, None)) for k in
                             ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                              "padding_mode")}
    facts = _detach(facts)
    facts["given_after"] = [_params(conv), _params(bn)]
    facts["grads"] = _backward_grads(f, x)
    facts["given_after_write"] = _written_into(f, (conv, bn))
    return facts


def on_meta(mod, which, seed, spec):
    """The learner's fuse_linears (which "fuse", spec [bias1, bias2, sizes]) or fold_conv_bn (which "fold", spec as
    conv_bn's) on layers on torch's "meta" device (shapes, dtypes and devices, no data), which stands for any device
    other than the CPU: the devices of the returned module's weight, bias and output. A layer or tensor made on the
    CPU shows here without a GPU."""
    if which == "fuse":
        bias1, bias2, sizes = spec
        given = linears(seed, bias1, bias2, "float32", "meta", tuple(sizes))
        f = mod.fuse_linears(*given)
        x = torch.empty(2, sizes[0], device="meta")
    else:
        given = conv_bn(seed, {**spec, "dtype": "float32"}, "cpu")
        given = tuple(m.to("meta") for m in given)
        f = mod.fold_conv_bn(*given)
        x = torch.empty(1, spec["cin"], 7, 6, device="meta")
    if not isinstance(f, nn.Module):
        return {"type": type(f).__name__}
    devices = {name: t.device.type for name, t in (("weight", getattr(f, "weight", None)),
                                                    ("bias", getattr(f, "bias", None)))
               if isinstance(t, torch.Tensor)}
    devices["output"] = f(x).device.type
    return {"type": "Module", "devices": devices}


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [v if isinstance(v, (int, str)) else repr(v) for v in value]
    return value if isinstance(value, (int, str)) else repr(value)


def _detach(facts):
    """Copies: the judge sees the values as they were returned, before _written_into writes into them."""
    return {k: v.detach().clone() if isinstance(v, torch.Tensor) else v for k, v in facts.items()}


# ---------------------------------------------------------------- judge side: references


def reference_fused(seed, bias1, bias2, x, dtype="float64", sizes=(5, 7, 3)):
    fc1, fc2 = linears(seed, bias1, bias2, dtype, x.device, tuple(sizes))
    with drive.grad_mode(False):
        weight = fc2.weight @ fc1.weight
        bias = torch.zeros(fc2.out_features, dtype=weight.dtype, device=weight.device)
        if fc1.bias is not None:
            bias = bias + fc2.weight @ fc1.bias
        if fc2.bias is not None:
            bias = bias + fc2.bias
        return {"weight": weight, "bias": bias, "out": fc2(fc1(x)), "given": [_params(fc1), _params(fc2)]}


def reference_folded(seed, spec, x):
    conv, bn = conv_bn(seed, spec, x.device)
    with drive.grad_mode(False):
        gamma = bn.weight if bn.weight is not None else torch.ones_like(bn.running_mean)
        beta = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_mean)
        scale = gamma / torch.sqrt(bn.running_var + bn.eps)
        b = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        return {"weight": conv.weight * scale.reshape(-1, 1, 1, 1), "bias": (b - bn.running_mean) * scale + beta,
                "out": bn(conv(x)), "given": [_params(conv), _params(bn)],
                "settings": {"in_channels": conv.in_channels, "out_channels": conv.out_channels,
                             "kernel_size": list(conv.kernel_size), "stride": list(conv.stride),
                             "padding": list(conv.padding), "dilation": list(conv.dilation), "groups": conv.groups,
                             "padding_mode": conv.padding_mode}}


# ---------------------------------------------------------------- optimize_for_inference


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4 * 5 * 5, 3)

    def forward(self, x):
        h = self.drop(torch.relu(self.bn(self.conv(x))))
        return self.fc(h.flatten(1))


def trained_net(seed, device="cpu"):
    torch.manual_seed(seed)
    net = Net().to(device)
    net.train()
    net(torch.randn(8, 2, 5, 5, device=device))  # move the running statistics away from their defaults
    return net


def reference_optimized(seed, x):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        net = trained_net(seed, x.device)
        net.eval()
        with drive.grad_mode(False):
            return net(x)
    finally:
        torch.set_num_threads(threads)


def graph_kinds(m):
    """The operator kinds of a ScriptModule's forward graph, sorted, once each (None when it has no graph)."""
    try:
        return sorted({node.kind() for node in m.graph.nodes()})
    except Exception:
        return None


def reference_graph_kinds(device="cpu"):
    """Judge side: the operator kinds of Net's graph frozen by torch.jit.freeze alone and by
    torch.jit.optimize_for_inference, on this torch build and device."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimize_for_inference's deprecation warning
        frozen = torch.jit.freeze(torch.jit.script(trained_net(0, device).eval()))
        optimized_ = torch.jit.optimize_for_inference(torch.jit.script(trained_net(0, device).eval()))
    return {"freeze": graph_kinds(frozen), "optimize_for_inference": graph_kinds(optimized_)}


def optimized(mod, seed, x):
    """The learner's optimized_for_inference on a net in train mode; the operator kinds of its graph; its outputs
    twice; then the original net and the returned module are both switched to train mode and the returned module runs
    once more (a frozen module has Dropout and BatchNorm's mode baked in, so its outputs stay)."""
    net = trained_net(seed, x.device)
    m = mod.optimized_for_inference(net)
    report = {"is_script": isinstance(m, torch.jit.ScriptModule), "type": type(m).__qualname__,
              "kinds": graph_kinds(m)}
    if not callable(m):
        return report
    with drive.grad_mode(False):
        report["out"] = [m(x), m(x)]
        net.train()
        if callable(getattr(m, "train", None)):
            m.train()
        torch.manual_seed(seed + 1)
        report["after_train"] = m(x)
    return report
