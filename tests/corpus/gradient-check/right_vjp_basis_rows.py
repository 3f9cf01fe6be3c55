"""Correct, written differently: the numerical side perturbs a flat copy through a helper generator, the analytic side
asks autograd for one vector-Jacobian product per output element with a one-hot grad_outputs (no indexing of the
output), and every comparison goes through a small helper. Inputs are copied contiguous (a transposed one too), and
outputs that do not require grad are skipped unless none does (then their autograd Jacobian is zero), as gradcheck."""
import torch as T


def _perturbed(base, j, k, step):
    copies = [b.clone() for b in base]
    copies[j].view(-1)[k] += step
    return copies


def numerical_jacobian(fn, inputs, eps=1e-6):
    base = [t.detach().contiguous().clone() for t in inputs]
    out = []
    with T.no_grad():
        n_out = fn(*base).numel()
        for j, x in enumerate(base):
            jac = T.empty(n_out, x.numel(), dtype=x.dtype, device=x.device)
            for k in range(x.numel()):
                hi = fn(*_perturbed(base, j, k, eps)).reshape(-1)
                lo = fn(*_perturbed(base, j, k, -eps)).reshape(-1)
                jac[:, k] = (hi - lo) / (2 * eps)
            out.append(jac)
    return tuple(out)


def _close(a, n, rtol, atol):
    return bool(T.allclose(a, n, rtol=rtol, atol=atol))


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    needs = [j for j, t in enumerate(inputs) if t.requires_grad]
    leaves = [t.detach().clone().requires_grad_(t.requires_grad) for t in inputs]
    with T.enable_grad():
        result = fn(*leaves)
    outputs = list(result) if isinstance(result, tuple) else [result]
    some = any(y.requires_grad for y in outputs)
    for o, y in enumerate(outputs):
        if some and not y.requires_grad:
            continue
        numeric = numerical_jacobian(lambda *xs, o=o: (lambda r: r[o] if isinstance(r, tuple) else r)(fn(*xs)),
                                     inputs, eps)
        rows = {j: [] for j in needs}
        for i in range(y.numel() if y.requires_grad else 0):
            onehot = T.zeros_like(y).reshape(-1)
            onehot[i] = 1.0
            grads = T.autograd.grad(y, [leaves[j] for j in needs], grad_outputs=onehot.reshape(y.shape),
                                    retain_graph=True, allow_unused=True)
            for j, g in zip(needs, grads):
                rows[j].append(T.zeros(leaves[j].numel(), dtype=y.dtype) if g is None else g.reshape(-1))
        for j in needs:
            analytic = T.stack(rows[j]) if rows[j] else T.zeros(y.numel(), leaves[j].numel(), dtype=y.dtype)
            if not _close(analytic, numeric[j], rtol, atol):
                return False
    return True
