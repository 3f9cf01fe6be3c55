"""Helpers for gradient-hooks. In the worker they only drive the learner's hooks and return raw results (logs,
.grad values, the caller's tensors afterwards); the judge loads this file too and computes every reference itself
with the same models and batches."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from grader import drive


def mlp(seed, frozen=False, dtype=None):
    """The model of the logging graders; dtype "float64" (a name) makes a float64 copy of the same weights."""
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    if dtype is not None:
        m = m.to(getattr(torch, dtype))
    if frozen:
        m[0].bias.requires_grad_(False)
    return m


def loss_of(model, x, y):
    return F.mse_loss(model(x), y)


def _log_copy(log):
    if not isinstance(log, dict):
        return log
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in log.items()}


def _handles(handles):
    return list(handles) if isinstance(handles, (list, tuple)) else None


def logging_run(mod, seed, batches, frozen=False, remove_after=None, zero_before=(), dtype=None):
    """log_grad_norms once, then one backward per batch, without zero_grad unless `zero_before` lists pairs
    [i, set_to_none]: model.zero_grad(set_to_none=set_to_none) just before batch i; every returned handle is removed
    before batch `remove_after` (if given); dtype as in mlp. Returns the log and how many handles came back."""
    model = mlp(seed, frozen, dtype).to(batches[0][0].device)
    log, handles = mod.log_grad_norms(model)
    listed = _handles(handles)
    zero = {int(i): bool(to_none) for i, to_none in zero_before}
    for i, (x, y) in enumerate(batches):
        if remove_after is not None and i == remove_after and listed is not None:
            for h in listed:
                h.remove()
        if i in zero:
            model.zero_grad(set_to_none=zero[i])
        loss_of(model, x, y).backward()
    return {"log": _log_copy(log), "handles": -1 if listed is None else len(listed)}


def logging_twice(mod, seed, batches):
    """Two calls of log_grad_norms on one model, both kept: two backward passes (batches 0 and 1); then the second
    call's handles are removed and one more backward (batch 2). Returns both logs."""
    model = mlp(seed).to(batches[0][0].device)
    log1, handles1 = mod.log_grad_norms(model)
    log2, handles2 = mod.log_grad_norms(model)
    for x, y in batches[:2]:
        loss_of(model, x, y).backward()
    mid = (_log_copy(log1), _log_copy(log2))
    listed = _handles(handles2)
    for h in listed or []:
        h.remove()
    x, y = batches[2]
    loss_of(model, x, y).backward()
    return {"first": mid[0], "second": mid[1], "first_after": _log_copy(log1), "second_after": _log_copy(log2),
            "handles": -1 if listed is None else len(listed)}


def clamp_run(mod, x, w, upstream, bound, remove=False, passes=1, twice=None):
    """x -> t = x * w; the learner clamps the gradient at t; then t.backward(upstream) (or, with `twice`, t is used
    twice: the gradient reaching t is upstream + twice) `passes` times. Returns x.grad and the caller's upstream
    tensors afterwards."""
    x = x.detach().clone().requires_grad_(True)
    t = x * w
    handle = mod.clamp_grad(t, bound)
    if remove:
        handle.remove()
    up = upstream.clone()
    other = None if twice is None else twice.clone()
    for _ in range(passes):
        if other is None:
            t.backward(up, retain_graph=True)
        else:
            torch.autograd.backward([t * 1.0, t + 0.0], [up, other], retain_graph=True)
    return {"x_grad": x.grad, "upstream": up, "other": other}


def clamp_alias_run(mod, x, w, upstream, bound):
    """x -> t = x * w; the learner clamps the gradient at t, then a pre-hook of the driver's on t's backward node,
    registered after it, keeps what the learner's hook returned (node pre-hooks run after tensor hooks and after
    node pre-hooks registered before them). After t.backward(upstream), a copy of that
    result goes back, then the driver writes into the result itself (fill_) and returns the caller's upstream."""
    x = x.detach().clone().requires_grad_(True)
    t = x * w
    mod.clamp_grad(t, bound)
    seen = []

    def keep(grad_outputs):
        seen.append(grad_outputs[t.output_nr])

    t.grad_fn.register_prehook(keep)  # after the learner's tensor hooks and its own node pre-hooks
    up = upstream.clone()
    t.backward(up)
    result = seen[0].detach().clone() if seen else None
    with drive.grad_mode(False):
        for g in seen:
            g.fill_(bound + 7.0)
    return {"result": result, "upstream": up}


def bilinear(seed):
    torch.manual_seed(seed)
    return nn.Bilinear(3, 4, 2)


class SharedInput(nn.Module):
    """Its Linear `lin` is called twice on the same input, and the input also skips past it: the gradient `lin` passes
    back is only part of what reaches x. `wrap` (the judge's) sees lin's input at each call."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.head = nn.Linear(3, 2)

    def forward(self, x, wrap=None):
        wrap = wrap or (lambda t: t)
        h = torch.tanh(self.lin(wrap(x))) + torch.sin(self.lin(wrap(x)))
        return self.head(h) + x[:, :2]


def scale_model(kind, seed, device, dtype=None):
    """(model, the module the learner's hook goes on) for a scaling case; dtype "float64" (a name) makes the "first" and
    "second" cases' MLP a float64 one."""
    if kind == "bilinear":
        model = bilinear(seed).to(device)
        return model, model
    if kind == "shared":
        torch.manual_seed(seed)
        model = SharedInput().to(device)
        return model, model.lin
    if kind == "whole":  # the hook goes on the whole Sequential, a module with children of its own
        model = mlp(seed).to(device)
        return model, model
    model = mlp(seed, dtype=dtype).to(device)
    return model, (model[2] if kind == "second" else model[0])


def scale_run(mod, kind, seed, x, y, factor, x2=None, x_grad=True, remove=False, passes=1):
    """Scale what one module passes back to its inputs: kind "second" (the MLP's second Linear, whose input needs a
    gradient), "first" (the first Linear: with x_grad=False nothing before it needs one, grad_input is (None,)),
    "bilinear" (two inputs), "shared" (a Linear called twice on an input that also skips past it), "whole" (the whole
    Sequential, whose children are modules too). `passes` forward/backward passes; with `remove` the handle is removed before the last.
    Returns the inputs' and parameters' .grad."""
    x = x.detach().clone().requires_grad_(x_grad)
    x2 = None if x2 is None else x2.detach().clone().requires_grad_(True)
    model, target = scale_model(kind, seed, x.device, "float64" if x.dtype == torch.float64 else None)
    model.zero_grad(set_to_none=True)
    handle = mod.scale_grad_to_inputs(target, factor)
    for i in range(passes):
        if remove and i == passes - 1:
            handle.remove()
        out = model(x, x2) if kind == "bilinear" else model(x)
        F.mse_loss(out, y).backward()
    grads = {"x": x.grad, **{n: p.grad for n, p in model.named_parameters()}}
    if x2 is not None:
        grads["x2"] = x2.grad
    return grads


class Tied(nn.Module):
    """lin2 shares lin1's weight (one Parameter, used twice): named_parameters() lists it once, as lin1.weight."""

    def __init__(self):
        super().__init__()
        self.lin1 = nn.Linear(3, 3)
        self.lin2 = nn.Linear(3, 3)
        self.lin2.weight = self.lin1.weight
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        return self.head(torch.tanh(self.lin2(torch.tanh(self.lin1(x)))))


def tied(seed):
    torch.manual_seed(seed)
    return Tied()


def logging_tied(mod, seed, batches):
    """log_grad_norms on a model with a tied weight, then one backward per batch without zero_grad."""
    model = tied(seed).to(batches[0][0].device)
    log, handles = mod.log_grad_norms(model)
    for x, y in batches:
        loss_of(model, x, y).backward()
    return {"log": _log_copy(log)}


def clamp_split_run(mod, x, up_a, up_b, bound):
    """a, b = (x * 1).split(n): two outputs of one backward node. The learner clamps the gradient at b only; then
    backward with up_a into a and up_b into b. Returns x.grad."""
    x = x.detach().clone().requires_grad_(True)
    a, b = (x * 1.0).split(up_a.shape[0])
    mod.clamp_grad(b, bound)
    torch.autograd.backward([a, b], [up_a.clone(), up_b.clone()])
    return x.grad


def scale_twice_run(mod, kind, seed, x, y, factors, remove_second_before=None, passes=1):
    """Two scale_grad_to_inputs calls on one module (factors[0], then factors[1]); the second call's handle is removed
    before pass `remove_second_before` (if given). Returns the inputs' and parameters' .grad."""
    x = x.detach().clone().requires_grad_(True)
    model, target = scale_model(kind, seed, x.device)
    model.zero_grad(set_to_none=True)
    mod.scale_grad_to_inputs(target, factors[0])
    second = mod.scale_grad_to_inputs(target, factors[1])
    for i in range(passes):
        if remove_second_before is not None and i == remove_second_before:
            second.remove()
        F.mse_loss(model(x), y).backward()
    return {"x": x.grad, **{n: p.grad for n, p in model.named_parameters()}}


def scale_identity_run(mod, x, g, factor):
    """The hook on an nn.Identity, whose grad_input is the caller's own gradient: y = Identity(x); y.backward(g).
    Returns x.grad and the caller's g afterwards."""
    x = x.detach().clone().requires_grad_(True)
    module = nn.Identity()
    mod.scale_grad_to_inputs(module, factor)
    up = g.clone()
    module(x).backward(up)
    return {"x_grad": x.grad, "upstream": up}


def clamp_two_run(mod, x, w1, w2, up1, up2, bound1, bound2, passes=2):
    """Two tensors clamped at once, with their own bounds: t1 = x * w1 (bound1, hooked first) and t2 = x * w2 (bound2,
    hooked second), both kept; then t1 and t2 back-propagate up1 and up2 together, `passes` times. Returns x.grad."""
    x = x.detach().clone().requires_grad_(True)
    t1, t2 = x * w1, x * w2
    mod.clamp_grad(t1, bound1)
    mod.clamp_grad(t2, bound2)
    for _ in range(passes):
        torch.autograd.backward([t1, t2], [up1.clone(), up2.clone()], retain_graph=True)
    return x.grad
