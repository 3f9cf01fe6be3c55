"""Violates "within `torch.allclose(analytic, numerical, rtol=rtol, atol=atol)`" (elementwise): uses one global test max|A - N| <= atol + rtol * max|N| over the whole block, so an error beyond atol at a small entry passes beside a large entry."""
import torch


def _copies(inputs):
    return [x.detach().clone() if torch.is_tensor(x) else x for x in inputs]


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _numerical(fn_out, inputs, eps):
    """fn_out(*inputs) -> tuple of tensors; returns [per output: [per input: J]]."""
    base = _copies(inputs)
    with torch.no_grad():
        outs = _as_tuple(fn_out(*base))
    jac = [[None] * len(inputs) for _ in outs]
    for i, x in enumerate(base):
        if not torch.is_tensor(x):
            continue
        for o, out in enumerate(outs):
            jac[o][i] = torch.zeros(out.numel(), x.numel(), dtype=x.dtype, device=x.device)
        flat = x.view(-1)
        for j in range(x.numel()):
            orig = flat[j].item()
            with torch.no_grad():
                flat[j] = orig + eps
                plus = [t.detach().reshape(-1).clone() for t in _as_tuple(fn_out(*base))]
                flat[j] = orig - eps
                minus = [t.detach().reshape(-1).clone() for t in _as_tuple(fn_out(*base))]
                flat[j] = orig
            for o in range(len(outs)):
                jac[o][i][:, j] = ((plus[o] - minus[o]) / (2 * eps)).to(x.dtype)
    return jac


def numerical_jacobian(fn, inputs, eps=1e-6):
    jac = _numerical(fn, tuple(inputs), eps)
    return tuple(jac[0])


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) if torch.is_tensor(x) else x for x in inputs]
    outs = _as_tuple(fn(*leaves))
    diff = [i for i, x in enumerate(leaves) if torch.is_tensor(x) and x.requires_grad]
    numeric = _numerical(fn, inputs, eps)
    for o, out in enumerate(outs):
        flat = out.reshape(-1)
        for i in diff:
            x = leaves[i]
            analytic = torch.zeros(flat.numel(), x.numel(), dtype=x.dtype, device=x.device)
            if out.requires_grad:
                for k in range(flat.numel()):
                    (g,) = torch.autograd.grad(flat[k], x, retain_graph=True, allow_unused=True)
                    if g is not None:
                        analytic[k] = g.reshape(-1)
            if not (analytic.numel() == 0 or bool((analytic - numeric[o][i]).abs().max() <= atol + rtol * numeric[o][i].abs().max())):
                return False
    return True
