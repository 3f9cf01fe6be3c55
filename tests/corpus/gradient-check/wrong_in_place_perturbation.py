"""Perturbs the caller's tensors in place and "restores" them: values drift and version counters change."""
import torch


def numerical_jacobian(fn, inputs, eps=1e-6):
    jacs = []
    with torch.no_grad():
        for x in inputs:
            cols = []
            flat = x.view(-1)
            for k in range(x.numel()):
                flat[k] += eps
                hi = fn(*inputs).reshape(-1).clone()
                flat[k] -= 2 * eps
                lo = fn(*inputs).reshape(-1).clone()
                flat[k] += eps
                cols.append((hi - lo) / (2 * eps))
            jacs.append(torch.stack(cols, dim=1))
    return tuple(jacs)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    outs = fn(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    for o, out in enumerate(outs):
        num = numerical_jacobian(lambda *xs: (fn(*xs) if isinstance(fn(*xs), tuple) else (fn(*xs),))[o], inputs, eps)
        flat = out.reshape(-1)
        for j, x in enumerate(inputs):
            if not x.requires_grad:
                continue
            rows = [torch.autograd.grad(flat[i], x, retain_graph=True)[0].reshape(-1) for i in range(flat.numel())]
            if not torch.allclose(torch.stack(rows), num[j], atol=atol, rtol=rtol):
                return False
    return True
