"""Trusted helpers for custom-activations, run in the worker. They only drive the learner's Functions and return
what they produced; every comparison and every reference is in the graders."""

import torch

from grader import drive

_KEPT = {}


def keep_output(mod, name, n, dtype=torch.float64, x_seed=None):
    """Apply a Function to an n-element x (float64 unless dtype says) that requires grad, keep only its output (and so
    the graph behind it) in a module global, and drop x. The judge measures, from outside, how much memory stays held: the output
    itself, plus whatever the Function saved for backward besides it. x is made by an addition, whose backward
    saves nothing, so x stays alive only if the Function saved it. x's values are linspace(-6, 6, n), or, with
    x_seed (drawn per run by the judge), uniform in [-6, 6) from that seed, so that x cannot be made again from
    nothing in a backward that saved nothing. A hook on x (it lives on the graph, not on x) records the sum of the
    gradient backward_kept sends into x. Returns a checksum of the output."""
    _KEPT.clear()
    w = torch.zeros((), dtype=dtype, requires_grad=True)
    if x_seed is None:
        data = torch.linspace(-6.0, 6.0, n, dtype=torch.float64).to(dtype)  # (a float16 linspace has NaNs)
    else:
        data = drawn_input(x_seed, n, dtype)
    x = data + w
    del data
    x.register_hook(_record_input_gradient)
    out = getattr(mod, name).apply(x)
    del x
    _KEPT["out"] = out
    if not isinstance(out, torch.Tensor):
        return None
    with drive.grad_mode(False):
        return [float(out.double().sum()), float(out.double().square().sum())]


def drawn_input(x_seed, n, dtype):
    """keep_output's x for a seed the judge drew: uniform in [-6, 6), rounded to dtype (the judge makes the same)."""
    return (torch.rand(n, generator=torch.Generator().manual_seed(x_seed), dtype=torch.float64) * 12 - 6).to(dtype)


def drawn_incoming(g_seed, shape, dtype):
    """backward_kept's incoming gradient for a seed the judge drew: uniform in [0, 1), rounded to dtype."""
    return torch.rand(shape, generator=torch.Generator().manual_seed(g_seed), dtype=torch.float64).to(dtype)


def drawn_weights(h_seed, shape):
    """The standard normal weights of the weighted gradient sum, for a seed the judge drew."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(h_seed), dtype=torch.float64)


def _record_input_gradient(gx):
    if not isinstance(gx, torch.Tensor):
        _KEPT["gx_sums"] = None
        return
    gx = gx.detach().double().reshape(-1)
    h = drawn_weights(_KEPT.get("h_seed", 0), gx.shape)
    _KEPT["gx_sums"] = [float(gx.sum()), float((gx * h).sum())]


def backward_kept(mod, g_seed, h_seed):
    """Backward through the output keep_output kept (and so through what the Function saved for it), with an incoming
    gradient uniform in [0, 1) from g_seed, in the output's dtype: two sums of the gradient that reached x, its plain
    sum and its sum weighted by standard normal values from h_seed (which a wrong gradient of the right average does
    not match), or None if none reached x. Both seeds are drawn per run by the judge. Run after the measurement, so
    that a Function that kept too little when measured is caught by its backward."""
    out = _KEPT.get("out")
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return None
    g = drawn_incoming(g_seed, out.shape, out.dtype)
    _KEPT.pop("gx_sums", None)
    _KEPT["h_seed"] = h_seed
    out.backward(g)
    return _KEPT.get("gx_sums")


def release(mod):
    """Drop what keep_output kept (its output and the graph behind it)."""
    _KEPT.clear()


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what keep_output and a right Function do
    (a sigmoid from exp: torch's own is banned here too), at a small size and in every dtype, so that one-off costs
    are paid before the judge reads the worker's size."""
    for dtype in (torch.float64, torch.float16, torch.bfloat16, torch.float32):
        w = torch.zeros((), dtype=dtype, requires_grad=True)
        x = torch.linspace(-6.0, 6.0, 4096, dtype=torch.float64).to(dtype) + w
        out = 1 / (1 + torch.exp(-x))
        with drive.grad_mode(False):
            [float(out.double().sum()), float(out.double().square().sum())]
            _touch_elementwise(x.detach())


def _touch_elementwise(x):
    """One small call of each elementwise kernel a right Sigmoid or Tanh is commonly built from (out of place and in
    place, comparisons, where, sign tricks), so that the code pages of torch's library each one faults in on its first
    use are part of the worker's size before the submission loads. Otherwise a right answer built from other
    kernels than the reference's (copysign, maximum, in-place exp_ and div_, ...) starts a measured case holding a
    few MiB of code, not data, above that size, which the room for memory held in advance counts against it. The
    results are thrown away: nothing here is a reference."""
    z = torch.zeros_like(x)
    y = x.abs()
    for f in (torch.exp, torch.expm1, torch.log1p, torch.reciprocal, torch.neg, torch.sign, torch.sgn, torch.sqrt,
              torch.square, torch.abs):  # (torch.sigmoid and torch.tanh are switched off while grading)
        f(y)
    for f in ("abs_", "neg_", "exp_", "expm1_", "reciprocal_", "sign_", "square_", "sqrt_", "log1p_"):
        getattr(y.clone(), f)()
    for f in (torch.add, torch.sub, torch.mul, torch.div, torch.maximum, torch.minimum, torch.copysign, torch.pow,
              torch.eq, torch.ne, torch.gt, torch.ge, torch.lt, torch.le, torch.logical_and):
        f(x, y)
    for f in ("add_", "sub_", "mul_", "div_", "copysign_", "pow_"):
        getattr(y.clone(), f)(x)
    y.clone().mul_(2.0).add_(1.0).div_(3.0).sub_(0.5).clamp_(-1.0, 1.0).clamp_min_(0.0).clamp_max_(1.0)
    torch.where(x >= 0, x, z)
    torch.where(x > 0, 1.0, 0.0)
    x.clamp(min=0)
    x.clamp(-1.0, 1.0)
    x.masked_fill(x < 0, 0.0)
    (x > 0).to(x.dtype)
    (x > 0).type_as(x)
    x.to(torch.float32)
    x.to(torch.float64)
    x.double().to(x.dtype)


def layouts(mod, name, x, g):
    """Forward and backward of a Function on non-contiguous views holding x's values: a transposed view, every other
    element of a larger buffer (with a storage offset), and a row expanded to three rows. For each: the output, and
    the gradient of (output * g).sum() with respect to the tensor the view was made from."""
    found = {}
    base = x.detach().T.contiguous().requires_grad_(True)
    view = base.T
    out = getattr(mod, name).apply(view)
    (grad,) = torch.autograd.grad(out, base, g)
    found["transposed"] = [out, grad]

    buffer = torch.stack([torch.zeros_like(x), x.detach()], dim=-1).reshape(*x.shape[:-1], 2 * x.shape[-1])
    buffer.requires_grad_(True)
    view = buffer[..., 1::2]
    out = getattr(mod, name).apply(view)
    (grad,) = torch.autograd.grad(out, buffer, g)
    found["strided"] = [out, grad]

    row = x.detach()[:1].clone().requires_grad_(True)
    view = row.expand(x.shape[0], *x.shape[1:])
    out = getattr(mod, name).apply(view)
    (grad,) = torch.autograd.grad(out, row, g)
    found["expanded"] = [out, grad]
    return found


def two_calls(mod, name, calls, incoming):
    """Gradients for x1 and x2 of two applications of a Function made one after the other before a single backward
    through both (the harness the grader runs torch's activation through): each backward must use its own ctx."""
    return drive.grads_of_calls(getattr(mod, name).apply, calls, incoming)
