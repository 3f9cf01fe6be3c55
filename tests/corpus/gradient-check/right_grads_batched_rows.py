"""Angle: the other algorithm. The analytic Jacobian from vector-Jacobian
products with one-hot grad_outputs, all rows at once via is_grads_batched=True; numerical columns from x + eps*e_k
built by index_put on a flat copy.
"""
import torch


def _as_tuple(out):
    return (out,) if isinstance(out, torch.Tensor) else tuple(out)


def _numerical(fn, inputs, eps, pick):
    """Central differences of pick(fn(*args)) with respect to each input, one element at a time."""
    inputs = tuple(inputs)
    with torch.no_grad():
        base = [x.detach() for x in inputs]
        out0 = pick(fn(*base))
        jacs = []
        for i, x in enumerate(base):
            J = torch.zeros(out0.numel(), x.numel(), dtype=x.dtype, device=x.device)
            for k in range(x.numel()):
                cols = []
                for step in (eps, -eps):
                    flat = x.reshape(-1).clone()
                    flat.index_put_((torch.tensor([k], device=x.device),), flat[k] + step)
                    xp = flat.reshape(x.shape)
                    args = list(base)
                    args[i] = xp
                    cols.append(pick(fn(*args)).detach().reshape(-1).clone())
                J[:, k] = ((cols[0] - cols[1]) / (2 * eps)).to(x.dtype)
            jacs.append(J)
    return tuple(jacs)


def numerical_jacobian(fn, inputs, eps=1e-6):
    """One Jacobian per input, each of shape (out.numel(), inp.numel()), by central differences."""
    return _numerical(fn, inputs, eps, lambda out: out)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True iff, for every input that requires grad, autograd's Jacobian matches the numerical one."""
    inputs = tuple(inputs)
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    wrt = [i for i, x in enumerate(inputs) if x.requires_grad]
    with torch.enable_grad():
        outs = _as_tuple(fn(*leaves))
    picked = [j for j, o in enumerate(outs) if o.requires_grad] or list(range(len(outs)))
    for j in picked:
        o = outs[j]
        num = _numerical(fn, inputs, eps, lambda out, j=j: _as_tuple(out)[j])
        for i in wrt:
            x = leaves[i]
            ana = torch.zeros(o.numel(), x.numel(), dtype=x.dtype, device=x.device)
            if o.requires_grad and o.numel():
                eye = torch.eye(o.numel(), dtype=o.dtype, device=o.device).reshape(o.numel(), *o.shape)
                (g,) = torch.autograd.grad(o, x, eye, retain_graph=True, allow_unused=True, is_grads_batched=True)
                if g is not None:
                    ana = g.reshape(o.numel(), x.numel()).to(x.dtype)
            if not torch.allclose(ana, num[i], rtol=rtol, atol=atol):
                return False
    return True
