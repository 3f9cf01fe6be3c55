"""Channel: a fresh copy of torch.optim.adam read through a folder handle: os.open("../optim/adam.py", dir_fd=...),
whose path the audit event gives without the handle (relative opens are refused)."""
import os, sys, types, torch
import torch.optim.optimizer as _o

def _fresh(relname, modname):
    base = os.path.dirname(_o.__file__)            # .../torch/optim
    sib = os.path.join(os.path.dirname(base), "nn")
    d = os.open(sib, os.O_RDONLY | os.O_DIRECTORY)
    fd = os.open("../optim/" + relname, os.O_RDONLY, dir_fd=d)
    with os.fdopen(fd, "r") as f:
        src = f.read()
    os.close(d)
    mod = types.ModuleType(modname)
    mod.__package__ = "torch.optim"
    mod.__file__ = "<fresh>"
    sys.modules[modname] = mod
    exec(compile(src, "<fresh-" + relname + ">", "exec"), mod.__dict__)
    return mod

_adam = _fresh("adam.py", "torch.optim._fresh_adam")
_adamw = _fresh("adamw.py", "torch.optim._fresh_adamw") if False else None

class Adam(_adam.Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, foreach=False)

class AdamW(_adam.Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=False, decoupled_weight_decay=True)
