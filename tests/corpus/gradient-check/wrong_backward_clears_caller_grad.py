"""Violates "it too leaves the caller's inputs as they were (values, version counters, `.grad`)": computes the analytic rows with backward() on the caller's own tensors and sets their .grad to None afterwards, erasing a .grad the caller had."""
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
    leaves = list(inputs)
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
                    x.grad = None
                    flat[k].backward(retain_graph=True)
                    if x.grad is not None:
                        analytic[k] = x.grad.reshape(-1)
                    x.grad = None
            if not torch.allclose(analytic, numeric[o][i], rtol=rtol, atol=atol):
                return False
    return True
