"""Public graders for gradient-check, and the judge's side of every check_grad case.

Each check_grad case is drawn per run: a random function (random inputs, outputs, activations, coefficients and
matrices, and a random mistake in its backward, or none), sent to the worker as a spec and built there by the one
generic builder in probes.py; the expected verdict is found here, in the judge, by running torch.autograd.gradcheck
on the same function built from the trusted probes.py."""

import math
import warnings

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

SMOOTH = ["linear", "square", "cube", "sin", "tanh", "exp"]
# backward mistakes far above any tolerance: a forgotten factor 2, a wrong sign, 1 % off, twice too large
BIG = [-0.5, -2.0, 0.01, -0.01, 1.0]


def _int(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


def _pick(rng, items):
    return items[_int(rng, 0, len(items) - 1)]


def _sign(rng):
    return 1.0 if _int(rng, 0, 1) else -1.0


def _shape(rng, empty=False):
    if empty:
        return _pick(rng, [(0,), (0, _int(rng, 1, 3)), (_int(rng, 1, 3), 0)])
    kind = _int(rng, 0, 4)
    return () if kind == 0 else (_int(rng, 2, 5),) if kind < 3 else (_int(rng, 2, 3), _int(rng, 2, 3))


def _values(rng, shape, zeros=0):
    """Values of both signs with magnitudes in [0.3, 1.2], and `zeros` exact zeros at random places."""
    x = (torch.rand(shape, generator=rng, dtype=torch.float64) * 0.9 + 0.3)
    x = torch.where(torch.rand(shape, generator=rng) < 0.5, -x, x)
    if zeros and x.numel():
        idx = torch.randperm(x.numel(), generator=rng)[:zeros]
        x.view(-1)[idx] = 0.0
    return x


def _output(rng, inputs, uses, act, shape=None, elementwise=None):
    """One output's spec: act(sum of coef * x, elementwise where the shapes allow it, else through a matrix)."""
    if shape is None:
        first = tuple(inputs[uses[0]].shape)
        shape = first if (_int(rng, 0, 1) and math.prod(first) > 0) else _shape(rng)
    m = math.prod(shape)
    coefs, mats = [], []
    for j in uses:
        x = inputs[j]
        elem = tuple(x.shape) == tuple(shape) and (elementwise if elementwise is not None else bool(_int(rng, 0, 1)))
        if elementwise and not elem:
            raise AssertionError("an elementwise output needs inputs of its shape")
        mats.append(None if elem else
                    torch.randn(x.numel(), m, generator=rng, dtype=torch.float64) / math.sqrt(max(x.numel(), 1)))
        coefs.append(_sign(rng) * _uniform(rng, 0.5, 1.5))
    return {"act": act, "uses": list(uses), "coefs": coefs, "mats": mats, "shape": list(shape), "err_input": -1,
            "err": 0.0, "mean": False}


def _function(rng, n_in, n_out, grad, act=None, unused=(), empty_out=None, empty_in=None):
    """A random spec with n_in inputs (grad: which require grad) and n_out outputs; every input but those in `unused`
    feeds some output, every output uses an input that requires grad."""
    shapes = [_shape(rng, empty=(j == empty_in)) for j in range(n_in)]
    inputs = [_values(rng, s) for s in shapes]
    live = [j for j in range(n_in) if j not in unused]
    grad_live = [j for j in live if grad[j]]
    outputs = []
    for o in range(n_out):
        uses = sorted({_pick(rng, grad_live)} | {j for j in live if _int(rng, 0, 1)})
        outputs.append(uses)
    missing = [j for j in live if not any(j in u for u in outputs)]
    for j in missing:
        outputs[_int(rng, 0, n_out - 1)].append(j)
    specs = []
    for o, uses in enumerate(outputs):
        uses = sorted(uses)
        if o == empty_out:
            specs.append(_output(rng, inputs, uses, act or _pick(rng, SMOOTH), shape=_shape(rng, empty=True)))
        else:
            specs.append(_output(rng, inputs, uses, act or _pick(rng, SMOOTH)))
    return {"inputs": inputs, "requires_grad": list(grad), "outputs": specs,
            "tuple": n_out > 1 or bool(_int(rng, 0, 1))}


def _grads(rng, n_in, force=(), off=()):
    grad = [bool(_int(rng, 0, 2)) for _ in range(n_in)]
    for j in force:
        grad[j] = True
    for j in off:
        grad[j] = False
    if not any(grad):
        grad[_int(rng, 0, n_in - 1)] = True
    return grad


def _put_error(rng, spec, err, outputs=None, inputs=None):
    """Puts err on the gradient of one (output, input) pair: an output among `outputs`, an input it uses among
    `inputs` (default: the inputs that require grad)."""
    inputs = inputs if inputs is not None else [j for j, r in enumerate(spec["requires_grad"]) if r]
    pairs = [(o, j) for o, out in enumerate(spec["outputs"]) if outputs is None or o in outputs
             for j in out["uses"] if j in inputs and math.prod(out["shape"]) > 0]
    o, j = _pick(rng, pairs)
    spec["outputs"][o]["err_input"], spec["outputs"][o]["err"] = j, err
    return spec


def _elementwise_function(rng, act):
    """One output, act(sum of coef * x) elementwise over 1 or 2 inputs of one shape, all requiring grad: every entry
    of the Jacobian is either exactly 0 or far from it (for exp and linear), so the verdict has a wide margin even
    at atol=0."""
    n_in = _int(rng, 1, 2)
    shape = (_int(rng, 2, 5),) if _int(rng, 0, 1) else (_int(rng, 2, 3), _int(rng, 2, 3))
    inputs = [_values(rng, shape) for _ in range(n_in)]
    out = _output(rng, inputs, list(range(n_in)), act, shape=shape, elementwise=True)
    return {"inputs": inputs, "requires_grad": [True] * n_in, "outputs": [out], "tuple": bool(_int(rng, 0, 1))}


def _tolerances(rng):
    return {"eps": _pick(rng, [1e-6, 1e-6, 3e-6]), "atol": _pick(rng, [1e-5, 1e-6]),
            "rtol": _pick(rng, [1e-3, 2e-3, 5e-3])}


def _draw(rng, kind):
    """(spec, tolerances, intended verdict) for one kind of case."""
    tol = _tolerances(rng)
    rtol = tol["rtol"]
    n_in, n_out = _int(rng, 1, 3), _int(rng, 1, 2)
    if kind == "right":
        return _function(rng, n_in, n_out, _grads(rng, n_in)), tol, True
    if kind in ("err_above", "err_below", "big_error"):
        spec = _function(rng, n_in, n_out, _grads(rng, n_in))
        err = {"err_above": rtol * _uniform(rng, 1.3, 1.8), "err_below": rtol * _uniform(rng, 0.3, 0.7),
               "big_error": None}[kind]
        err = _pick(rng, BIG) if err is None else _sign(rng) * err
        return _put_error(rng, spec, err), tol, kind == "err_below"
    if kind == "second_output":
        spec = _function(rng, n_in, _int(rng, 2, 3), _grads(rng, n_in))
        err = _pick(rng, BIG + [_sign(rng) * rtol * _uniform(rng, 1.3, 1.8)])
        return _put_error(rng, spec, err, outputs=range(1, len(spec["outputs"]))), tol, False
    if kind == "second_input":
        n_in = _int(rng, 2, 3)
        spec = _function(rng, n_in, n_out, _grads(rng, n_in, force=(0, _int(rng, 1, n_in - 1))))
        later = [j for j in range(1, n_in) if spec["requires_grad"][j]]
        err = _pick(rng, BIG + [_sign(rng) * rtol * _uniform(rng, 1.3, 1.8)])
        return _put_error(rng, spec, err, inputs=later), tol, False
    if kind == "mean":
        spec = _function(rng, n_in, n_out, _grads(rng, n_in))
        sized = [o for o, out in enumerate(spec["outputs"]) if math.prod(out["shape"]) >= 2]
        if not sized:
            return None
        spec["outputs"][_pick(rng, sized)]["mean"] = True
        return spec, tol, False
    if kind == "no_grad_error":
        n_in = _int(rng, 2, 3)
        off = _int(rng, 0, n_in - 1)
        grad = _grads(rng, n_in, force=[j for j in range(n_in) if j != off][:1], off=(off,))
        spec = _function(rng, n_in, n_out, grad)
        return _put_error(rng, spec, _pick(rng, BIG), inputs=[off]), tol, True
    if kind == "unused":
        n_in = _int(rng, 2, 3)
        idle = _int(rng, 0, n_in - 1)
        grad = _grads(rng, n_in, force=(idle, (idle + 1) % n_in))
        return _function(rng, n_in, n_out, grad, unused=(idle,)), tol, True
    if kind == "empty_output":
        n_out = _int(rng, 2, 3)
        return _function(rng, n_in, n_out, _grads(rng, n_in), empty_out=_int(rng, 0, n_out - 1)), tol, True
    if kind == "empty_input":
        n_in = _int(rng, 2, 3)
        empty = _int(rng, 0, n_in - 1)
        return _function(rng, n_in, n_out, _grads(rng, n_in, force=(empty,)), empty_in=empty), tol, True
    if kind in ("kink_relu", "kink_abs"):
        shape = (_int(rng, 3, 6),)
        x = _values(rng, shape, zeros=_int(rng, 1, 2))
        inputs = [x] + [_values(rng, _shape(rng)) for _ in range(_int(rng, 0, 1))]
        outputs = [_output(rng, inputs, [0], kind[5:], shape=shape, elementwise=True)]
        if len(inputs) > 1:
            outputs.append(_output(rng, inputs, [1], _pick(rng, SMOOTH)))
        spec = {"inputs": inputs, "requires_grad": [True] * len(inputs), "outputs": outputs,
                "tuple": len(outputs) > 1 or bool(_int(rng, 0, 1))}
        return spec, tol, kind == "kink_abs"
    if kind in ("swap", "swap_looser"):
        # a backward off by just over rtol (by rtol * (1 + rtol * u)): torch.allclose(analytic, numerical) rejects
        # it at atol=0, the arguments swapped accept it; at twice the rtol it passes
        err = rtol * (1 + rtol * _uniform(rng, 0.25, 0.75))
        spec = _function_elementwise_error(rng, _pick(rng, ["exp", "linear"]), err)
        tol["atol"] = 0.0
        if kind == "swap_looser":
            tol["rtol"] = 2 * rtol
        return spec, tol, kind == "swap_looser"
    if kind in ("atol_absorbs", "atol_too_small"):
        # a linear function: the Jacobian's entries are its coefficients, so an error of err * coef is under atol
        # or over it (and over rtol) by a wide margin
        err = _sign(rng) * _uniform(rng, 0.02, 0.05)
        spec = _function_elementwise_error(rng, "linear", err)
        coefs = [abs(c) for c in spec["outputs"][0]["coefs"]]
        tol["atol"] = abs(err) * (max(coefs) * _uniform(rng, 1.5, 3.0) if kind == "atol_absorbs"
                                  else min(coefs) * _uniform(rng, 0.2, 0.5))
        return spec, tol, kind == "atol_absorbs"
    if kind in ("eps_curved", "eps_quadratic"):
        # at a large eps, central differences are exact for a quadratic function and off by eps**2 * c**3 for a cube
        tol["eps"] = _uniform(rng, 0.05, 0.2)
        if kind == "eps_curved":
            return _elementwise_function(rng, "cube"), tol, False
        return _function(rng, n_in, n_out, _grads(rng, n_in), act=_pick(rng, ["square", "linear"])), tol, True
    if kind == "transposed_output":
        # a correct backward, and an output returned transposed (a non-contiguous tensor)
        spec = _function(rng, n_in, n_out, _grads(rng, n_in))
        o = _int(rng, 0, n_out - 1)
        shape = (_int(rng, 2, 3), _int(rng, 2, 4))
        spec["outputs"][o] = dict(_output(rng, spec["inputs"], spec["outputs"][o]["uses"], _pick(rng, SMOOTH),
                                          shape=shape), transposed=True)
        return spec, tol, True
    if kind == "transposed_input":
        # a correct backward, and every 2-D input (one that requires grad among them) handed over transposed: a
        # clone of it keeps its strides, so a perturbation written through .reshape(-1) of that clone (a copy) never
        # reaches fn, and .view(-1) of it raises
        spec = _function(rng, n_in, n_out, _grads(rng, n_in))
        flipped = [j for j, x in enumerate(spec["inputs"]) if x.dim() == 2 and min(x.shape) > 1]
        if not any(spec["requires_grad"][j] for j in flipped):
            return None
        spec["transposed_inputs"] = flipped
        return spec, tol, True
    if kind in ("detached_output", "no_grad_outputs"):
        # outputs that do not require grad (detached): gradcheck skips them while another output requires grad, and
        # takes autograd's Jacobian as zero for every output when none does (False here: each output depends on an
        # input that requires grad)
        spec = _function(rng, n_in, _int(rng, 2, 3), _grads(rng, n_in))
        sized = [o for o, out in enumerate(spec["outputs"]) if math.prod(out["shape"]) > 0]
        if not sized:
            return None
        off = range(len(spec["outputs"])) if kind == "no_grad_outputs" else [_pick(rng, sized)]
        for o in off:
            spec["outputs"][o]["detached"] = True
        return spec, tol, kind == "detached_output"
    if kind == "detached_then_wrong":
        # a detached output, then a later output with a wrong backward: skipping the detached one must not stop the
        # check (a `break` where a `continue` belongs passes this function)
        spec = _function(rng, n_in, _int(rng, 2, 3), _grads(rng, n_in))
        if not math.prod(spec["outputs"][0]["shape"]):
            return None
        spec["outputs"][0]["detached"] = True
        if not any(math.prod(out["shape"]) for out in spec["outputs"][1:]):
            return None
        return _put_error(rng, spec, _pick(rng, BIG), outputs=range(1, len(spec["outputs"]))), tol, False
    if kind == "tight_rtol":
        # rtol=1e-8, atol=0: a backward off by 3e-8 to 5e-8 (relative) fails in gradcheck's float64 comparison; an
        # analytic Jacobian kept in float32 (torch.zeros without dtype=) rounds the error away. The coefficient c
        # (the Jacobian's diagonal) is exactly a float32 value, 1 + k / 1024 (k <= 100) of either sign, whose half
        # ulp (relative) exceeds 5.4e-8: c * (1 + err) rounds back to c itself in float32, 1e-9 (relative) away from
        # a rounding boundary, far beyond the 1e-10 error of the central differences. So such a buffer holds exactly
        # the numerical value and always accepts (a c not representable in float32 would round to a value up to
        # 3e-8 away from c, and the wrong verdict would depend on the draw)
        n = _int(rng, 2, 4)
        x = _values(rng, (n,))
        out = _output(rng, [x], [0], "linear", shape=(n,), elementwise=True)
        err = _uniform(rng, 3e-8, 5e-8)
        c = math.copysign(1.0 + _int(rng, 0, 100) / 1024, out["coefs"][0])
        out["coefs"][0] = c
        near = torch.tensor([v * (1 + s) for v in (c, c * (1 + err)) for s in (-1e-9, 0.0, 1e-9)], dtype=torch.float64)
        if not bool((near.float() == near.float()[0]).all()):
            return None
        out["err_input"], out["err"] = 0, err
        tol = {"eps": 1e-6, "atol": 0.0, "rtol": 1e-8}
        return {"inputs": [x], "requires_grad": [True], "outputs": [out], "tuple": bool(_int(rng, 0, 1))}, tol, False
    if kind == "constant_outputs":
        # no output requires grad, and none depends on the one input that does: its Jacobians are exactly zero
        n_in = _int(rng, 2, 3)
        idle = _int(rng, 0, n_in - 1)
        spec = _function(rng, n_in, n_out, [True] * n_in, unused=(idle,))
        spec["requires_grad"] = [j == idle for j in range(n_in)]
        return spec, tol, True
    if kind == "small_entry":
        # torch.allclose is elementwise: a linear elementwise function has a diagonal Jacobian block (entries
        # |coef| >= 0.5), and the backward is off by 3 to 10 atol at one zero entry off the diagonal. That entry is
        # beyond its own tolerance (atol), so gradcheck fails; a global test (max |A - N| against atol + rtol *
        # max |N|, or a norm of the error against rtol times a norm of N) passes, since rtol * 0.5 >= 5e-4 exceeds
        # 10 * atol <= 1e-4 on every draw
        spec = _elementwise_function(rng, "linear")
        tol["atol"] = _pick(rng, [1e-5, 1e-6])
        out = spec["outputs"][0]
        n = math.prod(out["shape"])
        row = _int(rng, 0, n - 1)
        col = (row + _int(rng, 1, n - 1)) % n
        out["err_input"] = _int(rng, 0, len(spec["inputs"]) - 1)
        out["err_entry"] = [row, col, _sign(rng) * tol["atol"] * _uniform(rng, 3.0, 10.0)]
        return spec, tol, False
    raise ValueError(kind)


def with_grads(rng, spec):
    """The spec with a random .grad preset on every input that requires grad (magnitudes in [0.3, 1.2], far above
    any tolerance): the caller's earlier gradient, which check_grad must leave as it was and never mix into the
    Jacobian it computes."""
    spec = dict(spec)
    spec["grads"] = [_values(rng, tuple(x.shape)) if r else None
                     for x, r in zip(spec["inputs"], spec["requires_grad"])]
    return spec


def _function_elementwise_error(rng, act, err):
    spec = _elementwise_function(rng, act)
    return _put_error(rng, spec, err)


def reference(spec, tol, device="cpu"):
    """torch.autograd.gradcheck's verdict on the function spec describes, run here in the judge."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(torch.autograd.gradcheck(P.build(spec, device), tuple(P.inputs_of(spec, device)),
                                             eps=tol["eps"], atol=tol["atol"], rtol=tol["rtol"],
                                             raise_exception=False))


def draw_case(rng, kind):
    """A random case of one kind whose gradcheck verdict is the one the kind is meant to have (drawn again until it
    is: the draws depend only on rng)."""
    for _ in range(100):
        drawn = _draw(rng, kind)
        if drawn is not None and reference(drawn[0], drawn[1]) == drawn[2]:
            return drawn
    raise AssertionError(f"no {kind} case could be drawn")


def draw_batch(rng, kinds):
    cases = [draw_case(rng, k) for k in kinds]
    order = torch.randperm(len(cases), generator=rng).tolist()
    return [(kinds[i],) + cases[i] for i in order]


def verdict_of(learner, spec, tol, device, probe="verdict"):
    return learner.probe(probe, spec, tol["eps"], tol["atol"], tol["rtol"], str(device))


def describe_tol(tol):
    return f"eps={tol['eps']:.3g}, atol={tol['atol']:.3g}, rtol={tol['rtol']:.3g}"


def test_jacobian_example(learner, device):
    """The Jacobian of sum(x**3) at x = [1, 2] is [[3, 12]]."""
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, device=device)
    out = learner.probe("jacobian", "cube_sum", [x], 1e-6)
    jacs = out.get("jacobians") if isinstance(out, dict) else None
    if not isinstance(jacs, tuple) or len(jacs) != 1:
        raise CheckFailure("numerical_jacobian must return a tuple with one Jacobian per input",
                           f"received {jacs!r}"[:200])
    expect_close(jacs[0], torch.tensor([[3.0, 12.0]], dtype=torch.float64, device=device), rtol=1e-6, atol=1e-6,
                 what="numerical_jacobian(lambda x: (x ** 3).sum(), (x,))", inputs="x = [1, 2] (float64)")


def test_check_grad_example(learner, device, rng):
    """check_grad passes a correct Square Function (backward 2 * x * g) and fails one whose backward forgets the
    factor 2 (x * g), on random x, in a random order."""
    shape = (_int(rng, 3, 5),)
    cases = []
    for err in (0.0, -0.5):
        x = _values(rng, shape)
        out = _output(rng, [x], [0], "square", shape=shape, elementwise=True)
        out["coefs"] = [1.0]
        out["err_input"], out["err"] = 0, err
        cases.append(({"inputs": [x], "requires_grad": [True], "outputs": [out], "tuple": False}, err))
    tol = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
    for i in torch.randperm(2, generator=rng).tolist():
        spec, err = cases[i]
        want = reference(spec, tol, str(device))
        got = verdict_of(learner, spec, tol, device)
        backward = "2 * x * g" if err == 0.0 else "x * g"
        if type(got) is not bool or got != want:
            raise CheckFailure(f"check_grad on Square (x * x) with backward {backward} must return {want}",
                               f"inputs: x = {[round(v, 4) for v in spec['inputs'][0].tolist()]} (float64, requires "
                               f"grad), {describe_tol(tol)}\nexpected: {want!r}\nreceived: {got!r}"[:400])
