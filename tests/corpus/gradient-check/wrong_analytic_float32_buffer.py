"""Breaks: "the Jacobian that autograd computes matches the numerical one within torch.allclose(analytic, numerical,
rtol=rtol, atol=atol)". Collects the analytic rows in a float32 buffer before comparing, so an analytic error below
float32 resolution is rounded away (tight rtol)."""
import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    inputs = tuple(inputs)
    base = [x.detach().clone() for x in inputs]
    jacobians = []
    for j, x in enumerate(base):
        cols = []
        flat = x.view(-1) if x.is_contiguous() else None
        work = x if flat is not None else x.contiguous()
        flat = work.view(-1)
        out_numel = None
        for i in range(flat.numel()):
            orig = flat[i].item()
            with torch.no_grad():
                flat[i] = orig + eps
                args = list(base)
                args[j] = work
                plus = fn(*args).detach().reshape(-1).clone()
                flat[i] = orig - eps
                minus = fn(*args).detach().reshape(-1).clone()
                flat[i] = orig
            cols.append((plus - minus) / (2 * eps))
        if not cols:
            with torch.no_grad():
                out_numel = fn(*base).numel()
            jacobians.append(torch.zeros(out_numel, 0, dtype=x.dtype, device=x.device))
        else:
            jacobians.append(torch.stack(cols, 1).to(x.dtype))
    return tuple(jacobians)


def _outputs(fn, args):
    out = fn(*args)
    return (out,) if isinstance(out, torch.Tensor) else tuple(out)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    outs = _outputs(fn, leaves)
    diff = [j for j, x in enumerate(inputs) if x.requires_grad]
    live = [o for o, y in enumerate(outs) if y.requires_grad]
    targets = live if live else list(range(len(outs)))
    for o in targets:
        y = outs[o]
        rows = {j: [] for j in diff}
        for k in range(y.numel()):
            if o in live:
                g = torch.zeros(y.numel(), dtype=y.dtype, device=y.device)
                g[k] = 1
                grads = torch.autograd.grad(y, [leaves[j] for j in diff], g.view(y.shape), retain_graph=True,
                                            allow_unused=True)
            else:
                grads = [None] * len(diff)
            for j, gj in zip(diff, grads):
                rows[j].append(torch.zeros_like(leaves[j]).reshape(-1) if gj is None else gj.reshape(-1))
        numerical = numerical_jacobian(lambda *a: _outputs(fn, a)[o], inputs, eps)
        for j in diff:
            n = numerical[j]
            a = torch.stack(rows[j]) if rows[j] else torch.zeros_like(n)
            a = a.float().to(n.dtype).reshape(n.shape)
            if not torch.allclose(a, n, rtol=rtol, atol=atol):
                return False
    return True
