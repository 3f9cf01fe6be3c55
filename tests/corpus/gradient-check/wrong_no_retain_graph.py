"""Asks autograd for the analytic rows without retain_graph=True: the first torch.autograd.grad frees the graph's
saved tensors, so the second row (or the next input) raises instead of answering."""

# %%
import torch


# %% [markdown]
# A gradient check compares what autograd says with what the function itself says
# when you nudge its inputs. The nudge must be symmetric, f(x + eps) - f(x - eps)
# over 2 eps: its error shrinks like eps**2, where the one-sided difference only
# shrinks like eps. Work on copies: perturbing the caller's tensors in place breaks
# their autograd graph and may not restore them bit for bit. `torch.autograd.gradcheck`
# (and the rest of its module, numerical-Jacobian helpers included) is off limits.

# %%
def numerical_jacobian(fn, inputs, eps=1e-6):
    """One Jacobian per input, each of shape (out.numel(), inp.numel()), by central differences."""
    inputs = tuple(inputs)
    base = [x.detach().clone() for x in inputs]
    jacobians = []
    with torch.no_grad():
        for j, x in enumerate(base):
            columns = []
            for k in range(x.numel()):
                plus = [b.clone() for b in base]
                minus = [b.clone() for b in base]
                plus[j].view(-1)[k] += eps
                minus[j].view(-1)[k] -= eps
                diff = fn(*plus).reshape(-1) - fn(*minus).reshape(-1)
                columns.append(diff / (2 * eps))
            out_numel = fn(*base).numel()
            if columns:
                jacobians.append(torch.stack(columns, dim=1))
            else:
                jacobians.append(torch.zeros(out_numel, 0, dtype=x.dtype, device=x.device))
    return tuple(jacobians)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True iff, for every input that requires grad, autograd's Jacobian matches the numerical one."""
    inputs = tuple(inputs)
    wanted = [j for j, x in enumerate(inputs) if x.requires_grad]
    if not wanted:
        raise ValueError("check_grad needs at least one input that requires grad")
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    outputs = fn(*leaves)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    for o, out in enumerate(outputs):

        def only_this_output(*xs, o=o):
            res = fn(*xs)
            return (res if isinstance(res, tuple) else (res,))[o]

        numerical = numerical_jacobian(only_this_output, inputs, eps)
        flat_out = out.reshape(-1)
        for j in wanted:
            rows = []
            for i in range(flat_out.numel()):
                (g,) = torch.autograd.grad(flat_out[i], leaves[j], allow_unused=True)
                rows.append(torch.zeros_like(leaves[j]).reshape(-1) if g is None else g.reshape(-1))
            analytical = torch.stack(rows) if rows else torch.zeros(0, leaves[j].numel(), dtype=out.dtype)
            if not torch.allclose(analytical, numerical[j].to(analytical.dtype), rtol=rtol, atol=atol):
                return False
    return True
