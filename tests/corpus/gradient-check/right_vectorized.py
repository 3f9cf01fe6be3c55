"""Correct, written differently: batched perturbations for the numerical side (each column cast to its input's
dtype), vector-Jacobian rows via torch.autograd.functional.jacobian for the analytic side (outputs with no elements
skipped, and, as gradcheck does, outputs that do not require grad unless none does: functional.jacobian gives those
a zero Jacobian)."""
import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    base = [x.detach().clone() for x in inputs]
    result = []
    for j, x in enumerate(base):
        eye = torch.eye(x.numel(), dtype=x.dtype, device=x.device) * eps
        cols = []
        for step in eye:
            up = list(base)
            down = list(base)
            up[j] = x + step.reshape(x.shape)
            down[j] = x - step.reshape(x.shape)
            cols.append(((fn(*up) - fn(*down)) / (2 * eps)).reshape(-1).to(x.dtype))
        result.append(torch.stack(cols, 1) if cols else x.new_zeros(fn(*base).numel(), 0))
    return tuple(result)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    if not any(x.requires_grad for x in inputs):
        raise ValueError("nothing requires grad")
    outs = fn(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    live = [o for o, y in enumerate(outs) if y.requires_grad] or range(len(outs))
    for o in live:
        def pick(*xs, o=o):
            r = fn(*xs)
            return r[o] if isinstance(r, tuple) else r

        numeric = numerical_jacobian(pick, inputs, eps)
        if pick(*inputs).numel() == 0:  # nothing to compare (functional.jacobian cannot stack zero rows)
            continue
        analytic = torch.autograd.functional.jacobian(pick, tuple(x.detach() for x in inputs))
        analytic = analytic if isinstance(analytic, tuple) else (analytic,)
        for x, a, n in zip(inputs, analytic, numeric):
            if x.requires_grad and not torch.allclose(a.reshape(n.shape), n, rtol=rtol, atol=atol):
                return False
    return True
