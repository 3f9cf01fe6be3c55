"""Hidden graders for gradient-check. numerical_jacobian: random inputs per run (float64, and float32 for the
Jacobians' dtype), compared with the judge's own central differences. check_grad: every case is a random function drawn per run (random inputs, outputs,
activations, coefficients, matrices and tolerances, and a random mistake in its backward or none), built in the worker
by the one generic builder of probes.py, so neither a name nor the function's code tells the verdict; each verdict is
torch.autograd.gradcheck's on the judge's own copy of the function. Every grader mixes True and False verdicts in a
random order, and always holds the separating cases it is about (a backward off by just over or just under rtol, a
wrong second output, a wrong later input, a backward right only for an all-ones incoming gradient, a wrong backward
for an input without grad, an unused input, empty outputs and inputs, kinks, a large eps, an error beyond atol at one
zero entry beside large ones, inputs with a .grad the caller set), each with random content."""

import copy

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling, summarize
from grader.wire import keep_layout  # a tensor marked so crosses to the worker with its strides (else contiguous)

probes = load_sibling(__file__)
T = load_sibling(__file__, "test_public.py")
F = probes.FUNCTIONS


def rand(rng, *shape, device, requires_grad=False):
    x = torch.randn(shape, generator=rng, dtype=torch.float64).to(device)
    return x.requires_grad_(requires_grad)


def transposed(x):
    """The same values in a transposed (column-major) layout, kept as such on the way to the worker: a clone of it
    is transposed too, so its flat view cannot be written through .reshape(-1) (a copy) or taken with .view(-1)."""
    return keep_layout(x.detach().mT.contiguous().mT.requires_grad_(x.requires_grad))


def central(fn, inputs, eps):
    """The judge's own central differences, to compare the learner's method exactly."""
    jacs = []
    with torch.no_grad():
        for j, x in enumerate(inputs):
            cols = []
            for k in range(x.numel()):
                plus = [t.detach().clone(memory_format=torch.contiguous_format) for t in inputs]
                minus = [t.detach().clone(memory_format=torch.contiguous_format) for t in inputs]
                plus[j].view(-1)[k] += eps
                minus[j].view(-1)[k] -= eps
                cols.append((fn(*plus).reshape(-1) - fn(*minus).reshape(-1)) / (2 * eps))
            jacs.append(torch.stack(cols, dim=1))
    return jacs


def jacobians(learner, name, inputs, eps):
    got = learner.probe("jacobian", name, inputs, eps)
    jacs = got.get("jacobians") if isinstance(got, dict) else got
    if not isinstance(jacs, tuple):
        raise CheckFailure(f"numerical_jacobian must return a tuple with one Jacobian per input ({name})",
                           f"it returned {summarize(jacs)}")
    if len(jacs) != len(inputs):
        raise CheckFailure(f"numerical_jacobian must return one Jacobian per input ({name}: {len(inputs)} inputs)",
                           f"it returned {len(jacs)}")
    return got, jacs


def test_jacobian_central_differences(learner, device, rng):
    """numerical_jacobian uses central differences at the given eps: it matches them at eps=1e-3 (to 1e-9: a
    divisor 2 eps rounded to float32 is off by 5e-8), where one-sided ones are far off, and the exact derivative at
    eps=1e-6; fn's output may be non-contiguous (a transpose), and so
    may an input (a transposed matrix: every element of it is perturbed, columns in its logical row-major order);
    called by a caller inside torch.no_grad(), it works too and leaves grad mode off."""
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 2, device=device)]),
             ("tanh_matmul", [transposed(rand(rng, 3, 2, device=device)), rand(rng, 2, 3, device=device)]),
             ("cube_times", [rand(rng, 2, 3, device=device), transposed(rand(rng, 2, 3, device=device))]),
             ("exp_3x", [rand(rng, 4, device=device)]),
             ("weighted_sum", [rand(rng, 3, 2, device=device), rand(rng, 3, 2, device=device)]),
             ("cube_times", [rand(rng, 3, device=device), rand(rng, 3, device=device)]),
             ("tanh_matmul_t", [rand(rng, 2, 3, device=device), rand(rng, 3, 4, device=device)])]
    for name, inputs in cases:
        for eps in (1e-3, 1e-6):
            _, got = jacobians(learner, name, inputs, eps)
            for j, (g, w) in enumerate(zip(got, central(F[name], inputs, eps))):
                # at eps=1e-3 the judge's and a right answer's differences agree to rounding (1e-13): a divisor 2 eps
                # rounded to float32 (off by 5e-8) is not the task's formula
                expect_close(g, w, rtol=1e-9 if eps == 1e-3 else 1e-7, atol=1e-10 if eps == 1e-3 else 1e-6,
                             what=f"the Jacobian of {name} for input {j} at eps={eps:g}")
        exact = torch.autograd.functional.jacobian(F[name], tuple(inputs))
        exact = exact if isinstance(exact, tuple) else (exact,)
        _, got = jacobians(learner, name, inputs, 1e-6)
        for j, (g, e) in enumerate(zip(got, exact)):
            expect_close(g, e.reshape(g.shape), rtol=1e-5, atol=1e-7,
                         what=f"the Jacobian of {name} for input {j} against the exact derivative")
    # central differences only evaluate fn: they work for a caller inside torch.no_grad() too, leaving grad mode off
    name, inputs = cases[0]
    with learner.ambient(grad=False):
        _, got = jacobians(learner, name, inputs, 1e-3)
    for j, (g, w) in enumerate(zip(got, central(F[name], inputs, 1e-3))):
        expect_close(g, w, rtol=1e-9, atol=1e-10,
                     what=f"the Jacobian of {name} for input {j}, called by a caller inside torch.no_grad()")


def test_jacobian_shapes(learner, device, rng):
    """Each Jacobian has shape (out.numel(), inp.numel()) and the inputs' dtype, for matrices, scalars and scalar
    outputs, an input with no elements, inputs with and without requires_grad, float32 inputs (float32 Jacobians, not
    float64 ones), bfloat16 inputs (bfloat16 Jacobians, values to bfloat16's precision), and functions whose output's
    dtype is not their input's (the input's still, as the task says)."""
    f32 = torch.float32
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 4, device=device, requires_grad=True)],
              [(8, 6), (8, 12)], 1e-6),
             ("cube_sum", [rand(rng, 5, device=device, requires_grad=True)], [(1, 5)], 1e-6),
             ("exp_3x", [rand(rng, device=device)], [(1, 1)], 1e-6),
             ("cat_empty", [rand(rng, 3, device=device), rand(rng, 0, device=device)], [(3, 3), (3, 0)], 1e-6),
             ("tanh_matmul", [rand(rng, 3, 2, device=device).to(f32),
                              rand(rng, 2, 2, device=device).to(f32).requires_grad_()], [(6, 6), (6, 4)], 1e-3),
             ("exp_3x", [rand(rng, 4, device=device).to(f32)], [(4, 4)], 1e-3),
             ("cube_in_float64", [rand(rng, 3, device=device).to(f32)], [(3, 3)], 1e-3),
             ("cube_in_float32", [rand(rng, 2, 2, device=device)], [(4, 4)], 1e-3)]
    for name, inputs, shapes, eps in cases:
        _, got = jacobians(learner, name, inputs, eps)
        out_dtype = probes.FUNCTIONS[name](*inputs).dtype
        for j, (g, x, shape) in enumerate(zip(got, inputs, shapes)):
            expect_tensor(g, what=f"the Jacobian of {name} (a {out_dtype} output) for a {x.dtype} input {j} (the "
                                  "task asks for the inputs' dtype)", shape=shape, dtype=x.dtype, device=device)
    # any dtype, not only float32 and float64: bfloat16 inputs give bfloat16 Jacobians. The inputs lie on a grid of
    # eighths and eps is 1/8, so x +- eps is exact in bfloat16; the values are compared in float64 with the judge's
    # central differences, loosely (bfloat16 keeps 8 significant bits: f rounded there moves a difference quotient
    # by about |f| / 2^8 / (2 eps))
    from grader.judge.session import LearnerError

    def grid(*shape, requires_grad=False):
        x = torch.randint(-12, 13, shape, generator=rng).to(device, torch.float64) / 8
        return x.to(torch.bfloat16).requires_grad_(requires_grad)

    for name, inputs in (("tanh_matmul", [grid(2, 3), grid(3, 2, requires_grad=True)]), ("exp_3x", [grid(4) / 2])):
        what = f"the Jacobian of {name} for bfloat16 inputs (eps 1/8)"
        try:
            _, got = jacobians(learner, name, inputs, 0.125)
        except LearnerError as e:
            raise CheckFailure(f"{what} could not be computed: keep every tensor in the inputs' dtype, whatever it is",
                               e.summary()) from None
        want = central(F[name], [x.detach().double() for x in inputs], 0.125)
        for j, (g, w, x) in enumerate(zip(got, want, inputs)):
            if isinstance(g, torch.Tensor) and g.dtype != x.dtype:
                raise CheckFailure(f"{what}, input {j}: the Jacobian has dtype {g.dtype}, expected {x.dtype} (the "
                                   "input's dtype)", "a Jacobian takes its input's dtype whatever it is, bfloat16 and "
                                   "float16 included: allocate it with dtype=x.dtype (or .to(x.dtype) at the end), not "
                                   "with a default dtype or a choice between float32 and float64")
            expect_tensor(g, what=f"{what}, input {j}", shape=w.shape, dtype=x.dtype, device=device)
            bound = 4 * float(F[name](*[x.detach().double() for x in inputs]).abs().max()) / 2 ** 8 / 0.25
            expect_close(g.double(), w, rtol=5e-2, atol=bound + 1e-2, what=f"{what}, input {j}, compared in float64")


def _unchanged(got, what, before):
    """The inputs' state after the call against `before`, the judge's own copy of the state the call started from
    (never the worker's report of it)."""
    after = got.get("after") if isinstance(got, dict) else None
    if not isinstance(after, dict) or not all(isinstance(after.get(k), list) and len(after[k]) == len(before[k])
                                              for k in ("values", "versions", "grads")):
        raise CheckFailure(f"{what} could not be run", f"received {summarize(got)}")
    for j, (b, a) in enumerate(zip(before["values"], after["values"])):
        if not isinstance(a, torch.Tensor) or not torch.equal(a, b):
            raise CheckFailure(f"input {j} has different values after {what}: work on copies")
    for j, (b, a) in enumerate(zip(before["versions"], after["versions"])):
        if a != b:
            raise CheckFailure(f"{what} modified input {j} in place (its version counter went from {b} to {a}): "
                               "perturb clones instead")
    for j, (b, a) in enumerate(zip(before["grads"], after["grads"])):
        if (a is None) != (b is None) or (a is not None and not torch.equal(a, b)):
            raise CheckFailure(f"{what} changed input {j}'s .grad (set, cleared, zeroed or accumulated into it): "
                               "leave the caller's .grad as it was, use torch.autograd.grad on copies")
    if before["requires_grad"] != after["requires_grad"]:
        raise CheckFailure(f"{what} changed the inputs' requires_grad")



WHAT = {
    "nan_jacobian": "a square root of negative inputs, whose analytic and numerical Jacobians are both nan at the same "
                    "entries (torch.allclose without equal_nan: nan is close to nothing, so gradcheck fails it)",
    "right": "a correct backward",
    "err_above": "a backward off by a little more than rtol",
    "err_below": "a backward off by a little less than rtol",
    "big_error": "a plainly wrong backward",
    "second_output": "a function whose later output has a wrong backward",
    "second_input": "a function whose backward is wrong for a later input that requires grad",
    "mean": "a backward right only for an all-ones incoming gradient",
    "no_grad_error": "a backward wrong only for an input that does not require grad",
    "unused": "an input that requires grad but is never used",
    "empty_output": "a function with an output that has no elements",
    "empty_input": "an input with no elements that requires grad",
    "kink_relu": "relu at exact zeros",
    "kink_abs": "abs at exact zeros",
    "swap": "a backward off by just over rtol at atol=0 (rtol is relative to the numerical side)",
    "swap_looser": "a backward off by just over half the rtol, at atol=0",
    "atol_absorbs": "a backward error smaller than atol",
    "atol_too_small": "a backward error larger than atol and rtol",
    "eps_curved": "a cube at a large eps (central differences off by eps**2)",
    "eps_quadratic": "a quadratic at a large eps (central differences exact)",
    "all_need_grad": "the same function with every input requiring grad (its wrong backward now counts)",
    "transposed_output": "a function with a non-contiguous (transposed) output: flatten with reshape, not view",
    "transposed_input": "a correct function of an input with a transposed layout (perturb a contiguous copy)",
    "detached_output": "an output that does not require grad next to one that does (gradcheck skips it)",
    "detached_then_wrong": "an output that does not require grad, then a later one with a wrong backward",
    "tight_rtol": "a backward off by a few times rtol=1e-8 at atol=0 (keep the analytic Jacobian in the output's "
                  "dtype, float64: a float32 buffer rounds the error away)",
    "no_grad_outputs": "a function none of whose outputs requires grad (autograd's Jacobian is then zero for each)",
    "constant_outputs": "outputs that neither require grad nor depend on the input that does",
    "small_entry": "a backward off beyond atol at one small Jacobian entry, beside large ones (allclose is "
                   "elementwise: compare each entry with its own tolerance, not a maximum or a norm over the block)",
}


def check_verdict(learner, device, kind, spec, tol, probe="verdict"):
    """The learner's verdict equals gradcheck's on the judge's own copy; returns what the probe returned."""
    want = T.reference(spec, tol, str(device))
    got = T.verdict_of(learner, spec, tol, device, probe)
    verdict = got.get("verdict") if probe == "verdict_and_state" and isinstance(got, dict) else got
    if type(verdict) is not bool:
        raise CheckFailure(f"check_grad must return a bool (for {WHAT[kind]})", f"received {summarize(verdict)}")
    if verdict != want:
        raise CheckFailure(f"check_grad's verdict is not gradcheck's for {WHAT[kind]} (it should be {want})")
    return got


def check_batch(learner, device, rng, kinds):
    for kind, spec, tol, _ in T.draw_batch(rng, kinds):
        check_verdict(learner, device, kind, spec, tol)


def test_inputs_unchanged(learner, device, rng):
    """numerical_jacobian and check_grad leave the caller's inputs as they were: same values, same version counters
    (no in-place writes, even ones undone afterwards), no .grad written; check_grad's verdicts (a right and a wrong
    backward, in a random order) are gradcheck's. In the check_grad cases the inputs that require grad come with a
    .grad already set (a caller's earlier gradient): it must be left exactly as it was (not cleared, not zeroed,
    not accumulated into) and must not leak into the verdict."""
    inputs = [rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 3, 2, device=device)]
    got = learner.probe("jacobian", "tanh_matmul", inputs, 1e-3)
    _unchanged(got, "numerical_jacobian", probes._state(probes.leaves(inputs)))
    for kind, spec, tol, _ in T.draw_batch(rng, ["right", "big_error"]):
        spec = T.with_grads(rng, spec)
        got = check_verdict(learner, device, kind, spec, tol, probe="verdict_and_state")
        _unchanged(got, "check_grad", probes._state(probes.inputs_of(spec, str(device))))


def test_verdicts_match_gradcheck(learner, device, rng):
    """check_grad gives torch.autograd.gradcheck's verdict on random functions with correct and subtly wrong
    backwards: a wrong later output, a wrong later input, a backward right only for an all-ones incoming gradient,
    errors just above and just below rtol, kinks, an input that requires grad but is never used, an output and an
    input with no elements, a wrong backward for an input without grad, a transposed (non-contiguous) output, a
    transposed input, an output that does not require grad beside one that does (skipped, as gradcheck skips it; the
    outputs after it are still checked),
    functions none of whose outputs requires grad (then every output counts, with a zero autograd Jacobian), and a
    function whose two Jacobians are both nan at the same entries (not close: gradcheck fails it)."""
    check_batch(learner, device, rng, ["right", "right", "err_above", "err_below", "big_error", "second_output",
                                       "second_input", "mean", "no_grad_error", "unused", "empty_output", "empty_input",
                                       "kink_relu", "kink_abs", "transposed_output", "transposed_input",
                                       "detached_output", "detached_then_wrong", "no_grad_outputs",
                                       "constant_outputs"])
    # nan in both Jacobians at the same entries: gradcheck's allclose (no equal_nan) fails it
    shape = T._shape(rng) or (1,)
    x = -T._values(rng, shape).abs()
    out = {"act": "sqrt", "uses": [0], "coefs": [T._uniform(rng, 0.5, 1.5)], "mats": [None], "shape": list(shape),
           "err_input": -1, "err": 0.0, "mean": False}
    spec = {"inputs": [x], "requires_grad": [True], "outputs": [out], "tuple": bool(T._int(rng, 0, 1))}
    tol = T._tolerances(rng)
    if T.reference(spec, tol):
        raise AssertionError("gradcheck passed a nan Jacobian")  # the grader's bug, never the learner's
    check_verdict(learner, device, "nan_jacobian", spec, tol)


def test_tolerances_as_given(learner, device, rng):
    """check_grad uses the caller's eps, rtol and atol in torch.allclose(analytic, numerical, rtol, atol): a backward
    off by just over rtol fails at atol=0 and passes at twice the rtol; an error under atol passes and one over it
    fails; at a large eps a cube fails and a quadratic passes; the test is elementwise, so an error beyond atol at
    one zero entry of a Jacobian whose other entries are large fails (a maximum or a norm over the block lets it
    pass); at rtol=1e-8 and atol=0 a backward off by 3e-8 to 5e-8 fails (an analytic Jacobian stored in float32
    cannot see it)."""
    check_batch(learner, device, rng, ["swap", "swap_looser", "atol_absorbs", "atol_too_small", "eps_curved",
                                       "eps_quadratic", "err_below", "err_above", "small_entry", "tight_rtol"])


def test_skips_inputs_without_grad(learner, device, rng):
    """Only inputs that require grad are checked: a wrong backward for an input without grad is not a failure, and
    the same function with every input requiring grad fails; a correct function alongside, in a random order."""
    for _ in range(100):
        kind, spec, tol, _ = T.draw_batch(rng, ["no_grad_error"])[0]
        every = copy.deepcopy(spec)
        every["requires_grad"] = [True] * len(spec["requires_grad"])
        if not T.reference(every, tol):
            break
    else:
        raise AssertionError("no separating case could be drawn")
    cases = [(kind, spec, tol), ("all_need_grad", every, tol), T.draw_batch(rng, ["right"])[0][:3]]
    for i in torch.randperm(3, generator=rng).tolist():
        check_verdict(learner, device, *cases[i])
