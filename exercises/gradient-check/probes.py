"""Trusted helpers for gradient-check; loaded in the worker and, for references, by the graders. The probes only
drive the learner's functions and report what they returned and the state of the inputs around the call.

The judge cannot send functions over the wire. The functions numerical_jacobian is checked on live here, by name
(their Jacobians are random tensors, not constants). Every function check_grad is graded on is drawn per run instead:
the judge draws a *spec* (plain data: input tensors, which of them require grad, and per output an activation, the
inputs it uses with random coefficients or matrices, and what its backward gets wrong, if anything), and `build`
turns any spec into a function through the one generic `Layer` below. So neither a case's name nor the function's
code says what the verdict is: the judge finds it by running torch.autograd.gradcheck on its own copy of the same
function, built from the same spec with this trusted file."""

import torch


def _ones(z):
    return torch.ones_like(z)


# name: (function, its derivative)
ACTS = {
    "linear": (lambda z: z * 1.0, _ones),
    "square": (lambda z: z * z, lambda z: 2 * z),
    "cube": (lambda z: z * z * z, lambda z: 3 * z * z),
    "sin": (torch.sin, torch.cos),
    "tanh": (torch.tanh, lambda z: 1 - torch.tanh(z) ** 2),
    "exp": (torch.exp, torch.exp),
    "relu": (lambda z: z.clamp(min=0.0), lambda z: (z > 0).to(z.dtype)),
    "abs": (torch.abs, torch.sign),
    # at negative z both the value and the derivative are nan: so are both Jacobians, at the same entries
    "sqrt": (torch.sqrt, lambda z: 0.5 / torch.sqrt(z)),
}


class Layer(torch.autograd.Function):
    """One output of a built function: y = act(z), z = the sum over the inputs it uses of coef * x (elementwise, when
    no matrix is given) or coef * (x.flatten() @ M).reshape(shape). Its backward is act'(z) * g pushed back through
    the same sums, except that, as the output's spec says, the gradient of one input is scaled by (1 + err), or gets
    value * g.flatten()[row] added at its flat position col (err_entry = [row, col, value]: the analytic Jacobian is
    off by value at that one entry), or the incoming gradient is replaced by its mean (right only for an all-ones
    incoming gradient)."""

    @staticmethod
    def pre(out, xs):
        z = None
        for x, c, m in zip(xs, out["coefs"], out["mats"]):
            term = c * x if m is None else c * (x.reshape(-1) @ m).reshape(out["shape"])
            z = term if z is None else z + term
        return z

    @staticmethod
    def forward(ctx, out, *xs):
        # the inputs are saved like any Function's: a second backward through a freed graph fails
        ctx.save_for_backward(*xs)
        ctx.out = out
        return ACTS[out["act"]][0](Layer.pre(out, xs))

    @staticmethod
    def backward(ctx, g):
        out, xs = ctx.out, ctx.saved_tensors
        d = ACTS[out["act"]][1](Layer.pre(out, xs))
        gz = d * g.mean() if out["mean"] else d * g
        grads = []
        for k, (c, m, x) in enumerate(zip(out["coefs"], out["mats"], xs)):
            gk = c * gz if m is None else c * (gz.reshape(-1) @ m.T).reshape(x.shape)
            if k == out["err_at"]:
                gk = gk * (1.0 + out["err"])
                if out.get("err_entry") is not None:
                    row, col, value = out["err_entry"]
                    flat = gk.reshape(-1).clone()
                    flat[int(col)] = flat[int(col)] + value * g.reshape(-1)[int(row)]
                    gk = flat.reshape(x.shape)
            grads.append(gk)
        return (None, *grads)


def build(spec, device="cpu"):
    """The function spec describes: fn(*inputs) -> one tensor, or a tuple with one tensor per output."""
    outs = []
    for o in spec["outputs"]:
        mats = [None if m is None else m.to(device=device, dtype=torch.float64) for m in o["mats"]]
        outs.append(dict(o, mats=mats, err_at=o["uses"].index(o["err_input"]) if o["err_input"] in o["uses"] else -1))
    single = len(outs) == 1 and not spec["tuple"]

    def one(o, xs):
        # "transposed": a 2-D output is returned transposed (a non-contiguous tensor); "detached": an output that does
        # not require grad (gradcheck skips it when another output requires grad)
        y = Layer.apply(o, *[xs[j] for j in o["uses"]])
        y = y.detach() if o.get("detached") else y
        return y.mT if o.get("transposed") else y

    def fn(*xs):
        ys = tuple(one(o, xs) for o in outs)
        return ys[0] if single else ys

    return fn


def inputs_of(spec, device="cpu"):
    """Fresh float64 leaves on device, requiring grad as the spec says, with the .grad the spec presets (if any: a
    caller's earlier gradient, which check_grad must leave as it is); the inputs listed in spec["transposed_inputs"]
    (2-D) come with a transposed (column-major) layout, the same values."""
    flipped = spec.get("transposed_inputs") or []
    leaves = []
    for j, (x, r) in enumerate(zip(spec["inputs"], spec["requires_grad"])):
        x = x.detach().to(device=device, dtype=torch.float64).clone()
        x = x.mT.contiguous().mT if j in flipped else x
        leaves.append(x.requires_grad_(bool(r)))
    for x, g in zip(leaves, spec.get("grads") or []):
        if g is not None:
            x.grad = g.detach().to(device=device, dtype=torch.float64).clone()
    return leaves


FUNCTIONS = {
    "tanh_matmul": lambda a, b: torch.tanh(a @ b),
    "exp_3x": lambda x: torch.exp(3 * x),
    "weighted_sum": lambda a, b: (a * b).sum(dim=0),
    "cube_sum": lambda x: (x ** 3).sum(),
    "cube_times": lambda a, b: a ** 3 * b,
    # a non-contiguous output (a transpose)
    "tanh_matmul_t": lambda a, b: torch.tanh(a @ b).T,
    # an input with no elements: its Jacobian has shape (out.numel(), 0)
    "cat_empty": lambda a, e: torch.cat([a, e]) * 2,
    # an output in another dtype than the input's: the Jacobian still takes the input's (gradcheck's would not)
    "cube_in_float64": lambda x: x.double() ** 3,
    "cube_in_float32": lambda x: x.float() ** 3,
}


def _state(inputs):
    return {"values": [x.detach().clone() for x in inputs], "versions": [x._version for x in inputs],
            "grads": [None if x.grad is None else x.grad.detach().clone() for x in inputs], "requires_grad": [bool(x.requires_grad) for x in inputs]}


def leaves(inputs):
    """Fresh leaves with the values and requires_grad of the tensors sent (version counters at 0): the judge builds
    the same from its own copies, so it knows the state the learner's call started from without asking the worker."""
    return [x.detach().clone().requires_grad_(bool(x.requires_grad)) for x in inputs]


def jacobian(mod, name, inputs, eps):
    """The learner's numerical_jacobian as it returned it, and the inputs' state after the call."""
    inputs = leaves(inputs)
    result = mod.numerical_jacobian(FUNCTIONS[name], tuple(inputs), eps)
    return {"jacobians": result, "after": _state(inputs)}


def verdict(mod, spec, eps, atol, rtol, device="cpu"):
    """The learner's check_grad verdict (a bool, or whatever it returned) for the function spec describes."""
    return mod.check_grad(build(spec, device), tuple(inputs_of(spec, device)), eps=eps, atol=atol, rtol=rtol)


def verdict_and_state(mod, spec, eps, atol, rtol, device="cpu"):
    """The verdict, and the inputs' state after check_grad (the judge builds the state before from spec itself)."""
    inputs = inputs_of(spec, device)
    got = mod.check_grad(build(spec, device), tuple(inputs), eps=eps, atol=atol, rtol=rtol)
    return {"verdict": got, "after": _state(inputs)}
