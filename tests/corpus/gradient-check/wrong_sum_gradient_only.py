"""Compares one vector-Jacobian product, the gradient of out.sum(), with the numerical Jacobian's column sums: a
backward that is right only for an all-ones incoming gradient passes."""
import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    base = [x.detach().clone() for x in inputs]
    jacs = []
    with torch.no_grad():
        for j, x in enumerate(base):
            cols = []
            for k in range(x.numel()):
                plus = [b.clone() for b in base]
                minus = [b.clone() for b in base]
                plus[j].view(-1)[k] += eps
                minus[j].view(-1)[k] -= eps
                cols.append((fn(*plus).reshape(-1) - fn(*minus).reshape(-1)) / (2 * eps))
            jacs.append(torch.stack(cols, dim=1))
    return tuple(jacs)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    outs = fn(*leaves)
    outs = outs if isinstance(outs, tuple) else (outs,)
    for o, out in enumerate(outs):
        def pick(*xs, o=o):
            r = fn(*xs)
            return (r if isinstance(r, tuple) else (r,))[o]

        num = numerical_jacobian(pick, inputs, eps)
        wanted = [j for j, x in enumerate(inputs) if x.requires_grad]
        grads = torch.autograd.grad(out.sum(), [leaves[j] for j in wanted], retain_graph=True, allow_unused=True)
        for j, g in zip(wanted, grads):
            g = torch.zeros_like(leaves[j]) if g is None else g
            if not torch.allclose(g.reshape(-1), num[j].sum(0), rtol=rtol, atol=atol):
                return False
    return True
