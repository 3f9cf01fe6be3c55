"""Violates "`fn` returns a single tensor" (any tensor) and "every output of `fn`": the outputs are flattened with
.view(-1), which raises for a non-contiguous output (fn returning a transpose)."""
import torch


def _outs(r):
    return tuple(r) if isinstance(r, (tuple, list)) else (r,)


def _fresh(inputs):
    return [t.detach().clone() if isinstance(t, torch.Tensor) else t for t in inputs]


def _numeric_all(fn, inputs, eps):
    """[output][input] -> Jacobian (out.numel(), inp.numel()) in the input's dtype."""
    base = _fresh(inputs)
    with torch.no_grad():
        ref = _outs(fn(*base))
    table = [[None] * len(inputs) for _ in ref]
    for i, x in enumerate(base):
        if not isinstance(x, torch.Tensor):
            continue
        cols = [[] for _ in ref]
        for j in range(x.numel()):
            bump = torch.zeros(x.numel(), dtype=x.dtype, device=x.device)
            bump[j] = eps
            bump = bump.reshape(x.shape)
            args_p = list(base)
            args_m = list(base)
            args_p[i] = x + bump
            args_m[i] = x - bump
            with torch.no_grad():
                up = _outs(fn(*args_p))
                dn = _outs(fn(*args_m))
            for o in range(len(ref)):
                cols[o].append((up[o].view(-1) - dn[o].view(-1)) / (2 * eps))
        for o, out in enumerate(ref):
            if cols[o]:
                table[o][i] = torch.stack(cols[o], dim=1)
            else:
                table[o][i] = torch.zeros(out.numel(), 0, dtype=x.dtype, device=x.device)
    return table


def numerical_jacobian(fn, inputs, eps=1e-6):
    return tuple(_numeric_all(fn, list(inputs), eps)[0])


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = list(inputs)
    numeric = _numeric_all(fn, inputs, eps)
    leaves = [t.detach().clone().requires_grad_(t.requires_grad) if isinstance(t, torch.Tensor) else t
              for t in inputs]
    outs = _outs(fn(*leaves))
    wrt = [i for i, t in enumerate(inputs) if isinstance(t, torch.Tensor) and t.requires_grad]
    for o, out in enumerate(outs):
        for i in wrt:
            x = leaves[i]
            rows = []
            for k in range(out.numel()):
                if out.requires_grad:
                    onehot = torch.zeros(out.numel(), dtype=out.dtype, device=out.device)
                    onehot[k] = 1
                    g, = torch.autograd.grad(out, x, grad_outputs=onehot.reshape(out.shape),
                                             retain_graph=True, allow_unused=True)
                else:
                    g = None
                rows.append(torch.zeros(x.numel(), dtype=x.dtype, device=x.device) if g is None
                            else g.reshape(-1).to(x.dtype))
            analytic = torch.stack(rows) if rows else torch.zeros(0, x.numel(), dtype=x.dtype, device=x.device)
            if not torch.allclose(analytic, numeric[o][i], rtol=rtol, atol=atol):
                return False
    return True
