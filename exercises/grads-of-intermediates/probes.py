"""Trusted helpers for grads-of-intermediates, run in the worker (and in the judge, for the references). The probes
only call the learner's functions and report what they returned and the inputs' state around the call."""

import torch

from grader import drive


def add(x, y):
    return x + y


def sub(x, y):
    return x - y


_W = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)  # a parameter a function closes over

FUNCTIONS = {
    "add_and_sub": lambda x, y: add(x, y) - sub(x, y),  # the seed's 003-31: equals 2 * y
    "unused": lambda x, y: x * 3,
    "product": lambda x, y: (x * y).sin(),
    "matmul": lambda x, y: x @ y,
    "constant": lambda x, y: torch.ones(2, dtype=x.dtype, device=x.device),
    "through_detach": lambda x, y: x.detach() * y,
    # requires grad through the parameter, but depends on neither input: autograd finds both unused (None)
    "param_only": lambda x, y: _W.to(x.dtype) * torch.ones(2, dtype=x.dtype, device=x.device),
    "single": lambda x: x.exp() * x,
    "three": lambda x, y, z: (x * y).sum(-1, keepdim=True) * z - z.detach() * y,
}


def mlp(x, W1, W2):
    """A tiny MLP that names its intermediates; 'dead' is computed but not used, 'cut' only through detach(),
    and 'frozen' is computed from a detached tensor (it does not require grad)."""
    z = x @ W1.T
    a = torch.tanh(z)
    o = a @ W2.T
    dead = z * 2
    cut = a * 3
    frozen = z.detach() + 1
    return (o ** 2).mean() + cut.detach().sum() + frozen.sum(), {"z": z, "a": a, "o": o, "dead": dead, "cut": cut,
                                                                  "frozen": frozen}


def shared(x):
    """One intermediate used twice, and a view of it."""
    s = x * x
    v = s[:2]
    return s.sum() + (s * v.sum()).sum(), {"s": s, "v": v}


def vector_out(x):
    """A non-scalar output (its sum is what is differentiated), which is itself one of the named tensors, and an
    intermediate that depends only on a parameter."""
    h = x * 3
    out = h ** 2
    p = _W.to(x.dtype) * 2
    return out, {"h": h, "out": out, "p": p}


def detached_out(x):
    """The output does not require grad at all (it was detached), while the named tensor does: zeros for it."""
    a = x * 3
    return (a * 2).detach(), {"a": a}


def frozen_only(x):
    """The output requires grad, but no named tensor does: zeros for each."""
    out = x ** 2
    return out, {"f": x.detach() + 1, "g": torch.zeros_like(x)}


def frozen_first(x):
    """Named tensors in an order where one that does not require grad comes first, an unused one in the middle and
    the output last: a result built by pairing the names with the gradients of only the tensors that require grad
    (in order) shifts every name after the first."""
    c = x.detach() * 2
    h = torch.sin(x)
    u = h * 3
    out = h * c + h ** 2
    return out, {"c": c, "h": h, "u": u, "out": out}


def aliased(x):
    """One tensor named twice: each name is mapped to the gradient with respect to that tensor (the same for both),
    so a result that differentiates each tensor once and gives a second name for it zeros is wrong."""
    h = x * 2
    return h ** 2 + h, {"h": h, "again": h}


INTERMEDIATE = {"mlp": mlp, "shared": shared, "vector_out": vector_out, "detached_out": detached_out,
                "frozen_only": frozen_only, "frozen_first": frozen_first, "aliased": aliased}


def _state(inputs):
    return [{"values": x.detach().clone(), "requires_grad": bool(x.requires_grad),
             "grad": None if x.grad is None else x.grad.detach().clone()} for x in inputs]


def prepared(inputs, preset=False):
    """The inputs as the learner's function gets them: with preset, each input that requires grad holds a .grad of
    its own before the call. The judge prepares its own copies the same way to know the state before the call."""
    if preset:
        for i, x in enumerate(inputs):
            if x.requires_grad:
                x.grad = torch.full_like(x, float(i + 7))
    return inputs


def grads(mod, name, *inputs, preset=False):
    """The learner's grads_of, and the inputs' state after the call."""
    inputs = prepared(inputs, preset)
    out = mod.grads_of(FUNCTIONS[name], *inputs)
    return {"value": out, "after": _state(inputs)}


def grads_after_writing(mod, name, x, y):
    """grads_of(fn, x, y) twice, on copies of the same inputs: between the calls the caller writes into every tensor
    the first call returned (a caller may use a returned gradient as a buffer). Only the second call's result is
    returned; a tensor that cannot be written in place (an expanded view) is left as it is."""
    first = mod.grads_of(FUNCTIONS[name], x.detach().clone().requires_grad_(x.requires_grad),
                         y.detach().clone().requires_grad_(y.requires_grad))
    for t in first if isinstance(first, (tuple, list)) else ():
        if isinstance(t, torch.Tensor):
            try:
                with drive.grad_mode(False):
                    t.add_(1.0)
            except RuntimeError:
                pass
    return mod.grads_of(FUNCTIONS[name], x.detach().clone().requires_grad_(x.requires_grad),
                        y.detach().clone().requires_grad_(y.requires_grad))


def grads_aliased(mod, name, x, derived=False):
    """grads_of(fn, x, x), the same tensor (one that requires grad) passed twice; with derived,
    grads_of(fn, x, 2 * x), the second input computed from the first."""
    x = x.detach().requires_grad_(True)
    return mod.grads_of(FUNCTIONS[name], x, x * 2 if derived else x)


def intermediates(mod, name, *inputs, preset=False):
    """The learner's intermediate_grads, and the inputs' state after the call."""
    inputs = prepared(inputs, preset)
    out = mod.intermediate_grads(INTERMEDIATE[name], *inputs)
    return {"value": out, "after": _state(inputs)}


def grad_mode_after_no_grad(mod, target, name, *inputs):
    """The learner's grads_of (target "grads_of", fn FUNCTIONS[name]) or intermediate_grads (fn INTERMEDIATE[name])
    called inside torch.no_grad(), as a caller's evaluation code may: whether grad mode is still off right after the
    call, read inside the block. The block's exit would put grad mode back and hide a call that switched it on with
    torch.set_grad_enabled(True) and never back. What the call returns or raises under no_grad is not graded (the task
    does not say), only a stub's NotImplementedError goes through. A forged answer could only hide the learner's own
    mistake."""
    fn = (FUNCTIONS if target == "grads_of" else INTERMEDIATE)[name]
    return drive.grad_mode_after_no_grad(lambda: getattr(mod, target)(fn, *inputs))
