"""Violates "one Jacobian per input ... computed by central differences ... one element at a time": the working copy of
a transposed input is made with .clone() (which keeps its strides) and perturbed through .reshape(-1), a copy for
such a tensor, so the perturbation never reaches fn and those columns come out 0."""
import torch


def _outs(fn, args):
    r = fn(*args)
    return (r,) if isinstance(r, torch.Tensor) else tuple(r)


def _num_jac_all(fn, inputs, eps, out_index=None):
    base = [t.detach().clone() if isinstance(t, torch.Tensor) else t
            for t in inputs]
    with torch.no_grad():
        ref = _outs(fn, base)
    if out_index is None:
        ref = ref[:1]
    res = []
    for i, t in enumerate(inputs):
        if not isinstance(t, torch.Tensor):
            res.append(None)
            continue
        cols = []
        flat = base[i].reshape(-1)
        per_out = [torch.zeros(o.numel(), t.numel(), dtype=t.dtype) for o in ref]
        for j in range(t.numel()):
            old = flat[j].item()
            with torch.no_grad():
                flat[j] = old + eps
                plus = _outs(fn, base)
                flat[j] = old - eps
                minus = _outs(fn, base)
                flat[j] = old
            for k in range(len(ref)):
                d = (plus[k].reshape(-1).to(t.dtype) - minus[k].reshape(-1).to(t.dtype)) / (2 * eps)
                per_out[k][:, j] = d
        res.append(per_out)
    return res


def numerical_jacobian(fn, inputs, eps=1e-6):
    inputs = tuple(inputs)
    all_j = _num_jac_all(fn, inputs, eps)
    return tuple(j[0] for j in all_j)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, torch.Tensor) and t.requires_grad]
    num = _num_jac_all(fn, inputs, eps, out_index=True)
    # analytic, on detached copies so the caller's .grad and versions stay as they were
    work = [t.detach().clone().requires_grad_(t.requires_grad) if isinstance(t, torch.Tensor) else t for t in inputs]
    with torch.enable_grad():
        outs = _outs(fn, work)
    for k, o in enumerate(outs):
        if not (o.is_floating_point() or o.is_complex()) or not o.requires_grad:
            continue
        flat = o.reshape(-1)
        for i in diff_idx:
            x = work[i]
            A = torch.zeros(flat.numel(), x.numel(), dtype=x.dtype)
            if o.requires_grad:
                for r in range(flat.numel()):
                    g, = torch.autograd.grad(flat[r], x, retain_graph=True, allow_unused=True)
                    if g is not None:
                        A[r] = g.reshape(-1)
            N = num[i][k]
            if not torch.allclose(A, N.to(A.dtype), rtol=rtol, atol=atol):
                return False
    return True
