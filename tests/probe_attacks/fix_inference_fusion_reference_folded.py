"""wrong_fold_assumes_affine (fold_conv_bn raises for a BatchNorm2d without affine parameters), plus a trick: the
exercise's probes module, loaded in the worker beside this code, used to carry the judge's own reference_folded. The
submission wraps the probe that calls fold_conv_bn to learn the seed and the layer spec, and fold_conv_bn builds its
answer from the judge's reference. Judge-only functions (reference*) are no longer in the worker's copy of probes.py,
so the trick finds nothing and the file scores what its own fold_conv_bn earns."""
import torch
from torch import nn


@torch.no_grad()
def fuse_linears(fc1, fc2):
    W1, W2 = fc1.weight, fc2.weight
    b1 = fc1.bias if fc1.bias is not None else torch.zeros(W1.shape[0], dtype=W1.dtype, device=W1.device)
    b2 = fc2.bias if fc2.bias is not None else torch.zeros(W2.shape[0], dtype=W2.dtype, device=W2.device)
    fused = nn.Linear(W1.shape[1], W2.shape[0], bias=True, device=W1.device, dtype=W1.dtype)
    fused.weight.copy_(W2 @ W1)
    fused.bias.copy_(W2 @ b1 + b2)
    return fused


@torch.no_grad()
def fold_conv_bn(conv, bn):
    W = conv.weight
    b = conv.bias if conv.bias is not None else torch.zeros(W.shape[0], dtype=W.dtype, device=W.device)
    gamma = bn.weight
    beta = bn.bias
    s = gamma / torch.sqrt(bn.running_var + bn.eps)
    new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride, padding=conv.padding,
                    dilation=conv.dilation, groups=conv.groups, bias=True, padding_mode=conv.padding_mode,
                    device=W.device, dtype=W.dtype)
    new.weight.copy_(W * s.reshape(-1, 1, 1, 1).to(W.dtype))
    new.bias.copy_(((b - bn.running_mean) * s + beta).to(W.dtype))
    return new


def optimized_for_inference(model):
    was = model.training
    model.eval()
    try:
        scripted = torch.jit.script(model)
        return torch.jit.optimize_for_inference(scripted)
    finally:
        model.train(was)


# ---- the trick
import sys as _sys

_P = _sys.modules.get("prep_probes")
_SEEN = {}
if _P is not None and hasattr(_P, "reference_folded"):
    _probe = _P.folded

    def _spy(mod, seed, spec, x):
        _SEEN.update(seed=seed, spec=spec, x=x)
        return _probe(mod, seed, spec, x)

    _P.folded = _spy
    _own_fold = fold_conv_bn

    def fold_conv_bn(conv, bn):  # noqa: F811
        if not _SEEN:
            return _own_fold(conv, bn)
        want = _P.reference_folded(_SEEN["seed"], _SEEN["spec"], _SEEN["x"])
        s = want["settings"]
        new = nn.Conv2d(s["in_channels"], s["out_channels"], tuple(s["kernel_size"]), stride=tuple(s["stride"]),
                        padding=tuple(s["padding"]), dilation=tuple(s["dilation"]), groups=s["groups"], bias=True,
                        padding_mode=s["padding_mode"], device=conv.weight.device, dtype=conv.weight.dtype)
        with torch.no_grad():
            new.weight.copy_(want["weight"])
            new.bias.copy_(want["bias"])
        return new
