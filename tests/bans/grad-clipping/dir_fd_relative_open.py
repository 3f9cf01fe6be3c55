"""Channel: a fresh copy of clip_grad.py read through a folder handle: os.open("../nn/utils/clip_grad.py",
dir_fd=...) from torch/optim (relative opens are refused)."""
import os, sys, types, torch
_torchdir = os.path.dirname(torch.__file__)
_d = os.open(_torchdir + "/optim", os.O_RDONLY | os.O_DIRECTORY)   # not an ancestor of torch/nn/utils/clip_grad.py
_fd = os.open("../nn/utils/clip_grad.py", os.O_RDONLY, dir_fd=_d)
with os.fdopen(_fd) as f:
    _src = f.read()
_m = types.ModuleType("torch.nn.utils._fresh_clip"); _m.__package__ = "torch.nn.utils"
sys.modules[_m.__name__] = _m
exec(compile(_src, "<fresh>", "exec"), _m.__dict__)

def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    return _m.clip_grad_norm_(parameters, max_norm, norm_type, foreach=False)
def clip_grad_value(parameters, clip_value):
    return _m.clip_grad_value_(parameters, clip_value, foreach=False)
