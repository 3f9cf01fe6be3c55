"""Wrong: divides the central difference by torch.tensor(2 * eps), a float32 0-d tensor, so every float64 Jacobian entry is off by up to 5e-8 relative (eps=1e-3), not the task's (f(x + eps) - f(x - eps)) / (2 eps)."""

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
    ### BEGIN SOLUTION
    inputs = tuple(inputs)
    # contiguous copies: a clone keeps a transposed input's strides, and view(-1) needs contiguity
    base = [x.detach().clone(memory_format=torch.contiguous_format) for x in inputs]
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
                columns.append(diff / torch.tensor(2 * eps))
            out_numel = fn(*base).numel()
            if columns:  # in the input's dtype, also where fn's output has another (gradcheck's would keep that)
                jacobians.append(torch.stack(columns, dim=1).to(x.dtype))
            else:
                jacobians.append(torch.zeros(out_numel, 0, dtype=x.dtype, device=x.device))
    return tuple(jacobians)
    ### END SOLUTION


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True iff, for every input that requires grad, autograd's Jacobian matches the numerical one."""
    ### BEGIN SOLUTION
    inputs = tuple(inputs)
    wanted = [j for j, x in enumerate(inputs) if x.requires_grad]
    if not wanted:
        raise ValueError("check_grad needs at least one input that requires grad")
    leaves = [x.detach().clone().requires_grad_(x.requires_grad) for x in inputs]
    outputs = fn(*leaves)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    # like gradcheck: outputs that do not require grad are skipped, unless none does (then autograd's Jacobian is 0)
    any_grad = any(out.requires_grad for out in outputs)
    for o, out in enumerate(outputs):
        if any_grad and not out.requires_grad:
            continue

        def only_this_output(*xs, o=o):
            res = fn(*xs)
            return (res if isinstance(res, tuple) else (res,))[o]

        numerical = numerical_jacobian(only_this_output, inputs, eps)
        flat_out = out.reshape(-1)
        for j in wanted:
            analytical = torch.zeros(flat_out.numel(), leaves[j].numel(), dtype=out.dtype)
            for i in range(flat_out.numel() if out.requires_grad else 0):
                (g,) = torch.autograd.grad(flat_out[i], leaves[j], retain_graph=True, allow_unused=True)
                if g is not None:  # None: this output does not depend on input j
                    analytical[i] = g.reshape(-1)
            if not torch.allclose(analytical, numerical[j].to(analytical.dtype), rtol=rtol, atol=atol):
                return False
    return True
    ### END SOLUTION
