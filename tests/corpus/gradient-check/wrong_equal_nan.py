"""check_grad compares with torch.allclose(..., equal_nan=True): where both Jacobians are nan at the same entries (sqrt
of negative inputs) it says True, gradcheck says False."""

import torch


def _flat_out(fn, args):
    out = fn(*args)
    return out.detach().reshape(-1).clone()


def numerical_jacobian(fn, inputs, eps=1e-6):
    inputs = tuple(inputs)
    with torch.no_grad():
        base = [x.detach().clone(memory_format=torch.contiguous_format) for x in inputs]
        m = _flat_out(fn, base).numel()
        jacs = []
        for j, x in enumerate(base):
            n = x.numel()
            J = torch.zeros(m, n, dtype=x.dtype)
            flat = x.view(-1)
            for i in range(n):
                orig = flat[i].item()
                flat[i] = orig + eps
                plus = _flat_out(fn, base)
                flat[i] = orig - eps
                minus = _flat_out(fn, base)
                flat[i] = orig
                J[:, i] = ((plus - minus) / (2 * eps)).to(x.dtype)
            jacs.append(J)
    return tuple(jacs)


def _analytic(fn, inputs, wrt, outs):
    rows = []
    cols = []
    for o in outs:
        flat = o.reshape(-1)
        J = [torch.zeros(flat.numel(), x.numel(), dtype=x.dtype) for x in wrt]
        for r in range(flat.numel()):
            if not flat.requires_grad:
                continue
            gs = torch.autograd.grad(flat[r], wrt, retain_graph=True, allow_unused=True)
            for k, g in enumerate(gs):
                if g is not None:
                    J[k][r] = g.reshape(-1)
        rows.append(J)
    return rows


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    work = [x.detach().clone().requires_grad_(x.requires_grad) if torch.is_tensor(x) else x for x in inputs]
    wrt_idx = [i for i, x in enumerate(inputs) if torch.is_tensor(x) and x.requires_grad]
    wrt = [work[i] for i in wrt_idx]
    with torch.enable_grad():
        out = fn(*work)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    diff = [o for o in outs if o.requires_grad]
    if not diff:
        sel = list(range(len(outs)))
    else:
        sel = [k for k, o in enumerate(outs) if o.requires_grad]
    analytic = _analytic(fn, work, wrt, [outs[k] for k in sel]) if wrt else []
    for a_rows, k in zip(analytic, sel):
        def fk(*args, k=k):
            o = fn(*args)
            return (list(o) if isinstance(o, (tuple, list)) else [o])[k]
        num = numerical_jacobian(fk, [x.detach() if torch.is_tensor(x) else x for x in inputs], eps)
        for A, i in zip(a_rows, wrt_idx):
            if not torch.allclose(A, num[i], rtol=rtol, atol=atol, equal_nan=True):
                return False
    return True
