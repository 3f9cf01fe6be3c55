"""Channel: another module's namespace. torch.nn.utils re-exports clip_grad_norm_ and clip_grad_value_; aliased
imports from there leave all the work to torch."""

from torch.nn.utils import clip_grad_norm_ as _norm, clip_grad_value_ as _value


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    return _norm(parameters, max_norm, norm_type)


def clip_grad_value(parameters, clip_value):
    return _value(parameters, clip_value)
