"""Right: the numerical Jacobian perturbs one element at a time through torch.Tensor.index_put on fresh copies (no
in-place write on anything the caller sees); the analytic Jacobian comes from torch.autograd.functional.jacobian
(not the gradcheck module), taken as zero for outputs that do not require grad in the caller's own call."""
import torch
from torch.autograd.functional import jacobian


def numerical_jacobian(fn, inputs, eps=1e-6):
    inputs = tuple(inputs)
    frozen = [x.detach() for x in inputs]
    result = []
    for j, x in enumerate(frozen):
        columns = []
        for i in range(x.numel()):
            idx = torch.unravel_index(torch.tensor(i), x.shape) if x.dim() else ()
            with torch.no_grad():
                up = x.index_put(tuple(t.reshape(1) for t in idx), x[idx] + eps) if x.dim() else x + eps
                down = x.index_put(tuple(t.reshape(1) for t in idx), x[idx] - eps) if x.dim() else x - eps
                f_up = fn(*(frozen[:j] + [up] + frozen[j + 1:])).reshape(-1)
                f_down = fn(*(frozen[:j] + [down] + frozen[j + 1:])).reshape(-1)
            columns.append((f_up - f_down) / (2 * eps))
        if columns:
            result.append(torch.stack(columns, dim=1).to(x.dtype))
        else:
            with torch.no_grad():
                m = fn(*frozen).numel()
            result.append(x.new_zeros(m, 0))
    return tuple(result)


def _as_tuple(out):
    return (out,) if isinstance(out, torch.Tensor) else tuple(out)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    inputs = tuple(inputs)
    diff = [j for j, x in enumerate(inputs) if x.requires_grad]
    probe_inputs = [x.detach().requires_grad_(x.requires_grad) for x in inputs]
    live = [y.requires_grad for y in _as_tuple(fn(*probe_inputs))]
    n_out = len(live)
    checked = [o for o in range(n_out) if live[o]] or list(range(n_out))
    for o in checked:
        def single(*args, o=o):
            return _as_tuple(fn(*args))[o]

        numerical = numerical_jacobian(single, inputs, eps)
        if numerical and numerical[0].shape[0] == 0:
            continue  # an empty output: its Jacobians are empty
        if live[o]:
            def only_diff(*diff_args, o=o):
                args = [x.detach() for x in inputs]
                for j, a in zip(diff, diff_args):
                    args[j] = a
                return single(*args)

            jac = jacobian(only_diff, tuple(inputs[j].detach() for j in diff))
            if not isinstance(jac, tuple):
                jac = (jac,)
        for k, j in enumerate(diff):
            num = numerical[j]
            ana = jac[k].reshape(num.shape).to(num.dtype) if live[o] else torch.zeros_like(num)
            if not torch.allclose(ana, num, rtol=rtol, atol=atol):
                return False
    return True
