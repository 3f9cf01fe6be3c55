"""Uses one-sided differences (f(x + eps) - f(x)) / eps: the error shrinks like eps, not eps**2."""
import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    base = [x.detach().clone() for x in inputs]
    f0 = fn(*base).reshape(-1)
    jacs = []
    for j, x in enumerate(base):
        cols = []
        for k in range(x.numel()):
            plus = [b.clone() for b in base]
            plus[j].view(-1)[k] += eps
            cols.append((fn(*plus).reshape(-1) - f0) / eps)
        jacs.append(torch.stack(cols, dim=1))
    return tuple(jacs)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    outs = fn(*leaves)
    outs = outs if isinstance(outs, tuple) else (outs,)
    for o, out in enumerate(outs):
        num = numerical_jacobian(lambda *xs: (fn(*xs) if isinstance(fn(*xs), tuple) else (fn(*xs),))[o], inputs, eps)
        flat = out.reshape(-1)
        for j, x in enumerate(leaves):
            if not x.requires_grad:
                continue
            rows = []
            for i in range(flat.numel()):
                (g,) = torch.autograd.grad(flat[i], x, retain_graph=True, allow_unused=True)
                rows.append(torch.zeros_like(x).reshape(-1) if g is None else g.reshape(-1))
            if not torch.allclose(torch.stack(rows), num[j], atol=atol, rtol=rtol):
                return False
    return True
