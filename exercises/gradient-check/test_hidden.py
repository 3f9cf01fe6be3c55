"""Hidden graders for gradient-check: random inputs per run, every verdict compared with torch's gradcheck (run here,
in the judge), fixed separating cases alongside (a backward off by just over rtol, a wrong second output, a wrong
second input, a backward right only for an all-ones incoming gradient)."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_equal, expect_tensor, load_sibling, summarize

probes = load_sibling(__file__)
F = probes.FUNCTIONS


def rand(rng, *shape, device, requires_grad=False):
    x = torch.randn(shape, generator=rng, dtype=torch.float64).to(device)
    return x.requires_grad_(requires_grad)


def central(fn, inputs, eps):
    """The judge's own central differences, to compare the learner's method exactly."""
    jacs = []
    with torch.no_grad():
        for j, x in enumerate(inputs):
            cols = []
            for k in range(x.numel()):
                plus = [t.detach().clone() for t in inputs]
                minus = [t.detach().clone() for t in inputs]
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
    """numerical_jacobian uses central differences at the given eps: it matches them at eps=1e-3, where one-sided
    ones are far off, and the exact derivative at eps=1e-6."""
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 2, device=device)]),
             ("exp_3x", [rand(rng, 4, device=device)]),
             ("weighted_sum", [rand(rng, 3, 2, device=device), rand(rng, 3, 2, device=device)]),
             ("cube_times", [rand(rng, 3, device=device), rand(rng, 3, device=device)])]
    for name, inputs in cases:
        for eps in (1e-3, 1e-6):
            _, got = jacobians(learner, name, inputs, eps)
            for j, (g, w) in enumerate(zip(got, central(F[name], inputs, eps))):
                expect_close(g, w, rtol=1e-7, atol=1e-9 if eps == 1e-3 else 1e-6,
                             what=f"the Jacobian of {name} for input {j} at eps={eps:g}")
        exact = torch.autograd.functional.jacobian(F[name], tuple(inputs))
        exact = exact if isinstance(exact, tuple) else (exact,)
        _, got = jacobians(learner, name, inputs, 1e-6)
        for j, (g, e) in enumerate(zip(got, exact)):
            expect_close(g, e.reshape(g.shape), rtol=1e-5, atol=1e-7,
                         what=f"the Jacobian of {name} for input {j} against the exact derivative")


def test_jacobian_shapes(learner, device, rng):
    """Each Jacobian has shape (out.numel(), inp.numel()) and the inputs' dtype, for matrices, scalars and scalar
    outputs, an input with no elements, inputs with and without requires_grad."""
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 4, device=device, requires_grad=True)],
              [(8, 6), (8, 12)]),
             ("cube_sum", [rand(rng, 5, device=device, requires_grad=True)], [(1, 5)]),
             ("exp_3x", [rand(rng, device=device)], [(1, 1)]),
             ("cat_empty", [rand(rng, 3, device=device), rand(rng, 0, device=device)], [(3, 3), (3, 0)])]
    for name, inputs, shapes in cases:
        _, got = jacobians(learner, name, inputs, 1e-6)
        for j, (g, shape) in enumerate(zip(got, shapes)):
            expect_tensor(g, what=f"the Jacobian of {name} for input {j}", shape=shape, dtype=torch.float64,
                          device=device)


def _unchanged(got, what):
    before, after = got.get("before"), got.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
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
            raise CheckFailure(f"{what} wrote into input {j}'s .grad: use torch.autograd.grad on copies")
    if before["requires_grad"] != after["requires_grad"]:
        raise CheckFailure(f"{what} changed the inputs' requires_grad")


def test_inputs_unchanged(learner, device, rng):
    """numerical_jacobian and check_grad leave the caller's inputs as they were: same values, same version counters
    (no in-place writes, even ones undone afterwards), no .grad written."""
    inputs = [rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 3, 2, device=device)]
    got = learner.probe("jacobian", "tanh_matmul", inputs, 1e-3)
    _unchanged(got, "numerical_jacobian")
    got = learner.probe("verdict_and_state", "tanh_matmul", inputs, 1e-6, 1e-5, 1e-3)
    _unchanged(got, "check_grad")
    expect_equal(got["verdict"], True, what="check_grad's verdict for tanh(a @ b)")


VERDICT_CASES = ["tanh_matmul", "two_outputs", "square", "square_missing_two", "sin_wrong_sign", "exp_slightly_off",
                 "relu", "abs", "matmul", "a_plus_bad_square_b", "second_output_wrong", "double_mean_backward",
                 "ignores_b", "empty_second_output"]


def test_verdicts_match_gradcheck(learner, device, rng):
    """check_grad gives torch.autograd.gradcheck's verdict on correct and subtly wrong backwards: a wrong second
    output, a wrong second input, a backward right only for an all-ones incoming gradient, kinks, 1 % errors, an input
    that requires grad but is never used, an output with no elements."""
    kink = torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64, device=device, requires_grad=True)
    inputs = {
        "tanh_matmul": [rand(rng, 2, 3, device=device, requires_grad=True),
                        rand(rng, 3, 2, device=device, requires_grad=True)],
        "relu": [kink], "abs": [kink],
        "matmul": [rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 3, 2, device=device)],
        "a_plus_bad_square_b": [rand(rng, 3, device=device, requires_grad=True),
                                rand(rng, 3, device=device, requires_grad=True)],
        "ignores_b": [rand(rng, 3, device=device, requires_grad=True), rand(rng, 2, device=device, requires_grad=True)],
    }
    for name in VERDICT_CASES:
        args = inputs.get(name) or [rand(rng, 4, device=device, requires_grad=True)]
        want = torch.autograd.gradcheck(F[name], tuple(args), eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False)
        got = learner.probe("verdict", name, args, 1e-6, 1e-5, 1e-3)
        expect_equal(got, bool(want), what=f"check_grad's verdict for {name}")


def test_tolerances_as_given(learner, device, rng):
    """check_grad uses the caller's rtol and atol in torch.allclose(analytic, numerical, rtol, atol): a backward off
    by 1.0005e-3 fails at rtol=1e-3, atol=0 and passes at rtol=2e-3; its eps is used too."""
    x = rand(rng, 4, device=device, requires_grad=True)
    for rtol, atol in ((1e-3, 0.0), (2e-3, 0.0), (1e-3, 1e-5)):
        want = torch.autograd.gradcheck(F["exp_off_by_rtol"], (x,), eps=1e-6, atol=atol, rtol=rtol,
                                        raise_exception=False)
        got = learner.probe("verdict", "exp_off_by_rtol", [x], 1e-6, atol, rtol)
        expect_equal(got, bool(want), what=f"check_grad's verdict for a backward off by 1.0005e-3 at rtol={rtol:g}, "
                     f"atol={atol:g}")
    # a huge eps makes the central difference of x ** 3 * b wrong by eps^2 * b: gradcheck fails it, as must check_grad
    args = [torch.tensor([0.5, -1.0, 0.2], dtype=torch.float64, device=device, requires_grad=True),
            torch.full((3,), 1.0, dtype=torch.float64, device=device)]
    want = torch.autograd.gradcheck(F["cube_times"], tuple(args), eps=0.1, atol=1e-5, rtol=1e-3,
                                    raise_exception=False)
    got = learner.probe("verdict", "cube_times", args, 0.1, 1e-5, 1e-3)
    expect_equal(got, bool(want), what="check_grad's verdict for x ** 3 * b at eps=0.1 (the caller's eps)")


def test_skips_inputs_without_grad(learner, device, rng):
    """Only inputs that require grad are checked (a wrong backward for an input without grad is not a failure)."""
    a = rand(rng, 3, device=device, requires_grad=True)
    b = rand(rng, 3, device=device)
    expect_equal(learner.probe("verdict", "a_plus_bad_square_b", [a, b], 1e-6, 1e-5, 1e-3), True,
                 what="check_grad when only the first input requires grad")
