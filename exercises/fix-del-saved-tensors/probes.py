"""Trusted helpers for fix-del-saved-tensors, run in the worker: functions whose saved tensors are known."""

import gc
import weakref

import torch
from torch import nn


def build(name, n, seed, device="cpu"):
    """A function of no arguments (its inputs made here, from the seed) for each case."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g).to(device)
    torch.manual_seed(seed)
    lin = nn.Linear(5, 3).to(device)
    mlp = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
    cases = {
        "linear": lambda: lin(x),                                   # saves x only (weight needs no grad path)
        "linear_input_grad": lambda: lin(x.requires_grad_()),       # saves x and the weight
        "tanh": lambda: torch.tanh(x.requires_grad_()),              # saves its output
        "square": lambda: (lambda t: t * t)(x.requires_grad_()),     # saves t twice: one storage
        "add": lambda: (lambda t: t + t)(x.requires_grad_()),        # saves nothing
        "no_grad": lambda: _no_grad(lin, x),
        "slice": lambda: (lambda t: t[0] * t[1])(x.requires_grad_()),  # saves two views of x's storage
        "mlp": lambda: mlp(x),
    }
    return cases[name]


def _no_grad(lin, x):
    with torch.no_grad():
        return lin(x.requires_grad_())


def reference_bytes(name, n, seed, device="cpu"):
    """Distinct saved storages, in bytes: the judge computes it the same way, in its own process."""
    storages = {}

    def pack(t):
        storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    fn = build(name, n, seed, device)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return sum(storages.values())


def learner_bytes(mod, name, n, seed, device="cpu"):
    got = mod.saved_bytes(build(name, n, seed, device))
    return got if isinstance(got, int) and not isinstance(got, bool) else repr(got)


def predict_report(mod, n, seed, dtype_name, device="cpu"):
    in_dtype = getattr(torch, dtype_name)
    """Call the learner's predict; then drop our x and see whether it was freed."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 2))
    x = torch.randn(n, 5, dtype=in_dtype).to(device)
    model = model.to(device=device, dtype=in_dtype)
    with torch.no_grad():
        want = model(x)
    probe = weakref.ref(x)
    out = mod.predict(model, x)
    requires_grad = bool(getattr(out, "requires_grad", True))
    has_graph = getattr(out, "grad_fn", None) is not None
    del x
    gc.collect()
    return {"x_freed": probe() is None, "requires_grad": requires_grad, "has_graph": has_graph,
            "out": out.detach() if isinstance(out, torch.Tensor) else repr(out), "want": want,
            "grad_mode_after": torch.is_grad_enabled()}
