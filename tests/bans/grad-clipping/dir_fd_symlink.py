"""Channel: a symlink to clip_grad.py opened through a folder handle (os.open("l", dir_fd=...)): creating the
link opens nothing, and the audit event gives the path without the handle (relative opens are refused)."""
import os, sys, types, tempfile, torch
_dir = tempfile.mkdtemp()
os.symlink(os.path.dirname(torch.__file__) + "/nn/utils/clip_grad.py", _dir + "/l")   # creating the link opens nothing
_d = os.open(_dir, os.O_RDONLY | os.O_DIRECTORY)
_fd = os.open("l", os.O_RDONLY, dir_fd=_d)          # the hook resolves "l" against the cwd, not _dir
with os.fdopen(_fd) as f:
    _src = f.read()
_m = types.ModuleType("torch.nn.utils._fresh_clip"); _m.__package__ = "torch.nn.utils"
sys.modules[_m.__name__] = _m
exec(compile(_src, "<fresh>", "exec"), _m.__dict__)

def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    return _m.clip_grad_norm_(parameters, max_norm, norm_type, foreach=False)
def clip_grad_value(parameters, clip_value):
    return _m.clip_grad_value_(parameters, clip_value, foreach=False)
