"""Hidden graders for gradient-check: random inputs per run, every verdict compared with torch's gradcheck."""

import torch

from grader.judge.checks import (CheckFailure, banned_names_used, expect_close, expect_equal, expect_tensor,
                                 load_sibling)

probes = load_sibling(__file__)
F = probes.FUNCTIONS
BANNED = ["torch.autograd.gradcheck", "torch.autograd.gradgradcheck"]


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
                plus = [t.clone() for t in inputs]
                minus = [t.clone() for t in inputs]
                plus[j].view(-1)[k] += eps
                minus[j].view(-1)[k] -= eps
                cols.append((fn(*plus).reshape(-1) - fn(*minus).reshape(-1)) / (2 * eps))
            jacs.append(torch.stack(cols, dim=1))
    return jacs


def test_jacobian_central_differences(learner, device, rng):
    """numerical_jacobian uses central differences: it matches them at eps=1e-3, where one-sided ones are far off."""
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 2, device=device)]),
             ("exp_3x", [rand(rng, 4, device=device)]),
             ("weighted_sum", [rand(rng, 3, 2, device=device), rand(rng, 3, 2, device=device)])]
    for name, inputs in cases:
        for eps in (1e-3, 1e-6):
            got = learner.probe("jacobian", name, inputs, eps)["jacobians"]
            want = central(F[name], inputs, eps)
            if not isinstance(got, tuple) or len(got) != len(want):
                raise CheckFailure(f"numerical_jacobian must return a tuple with one Jacobian per input ({name})")
            for j, (g, w) in enumerate(zip(got, want)):
                expect_close(g, w, rtol=1e-7, atol=1e-9 if eps == 1e-3 else 1e-6,
                             what=f"the Jacobian of {name} for input {j} at eps={eps:g}")
        exact = torch.autograd.functional.jacobian(F[name], tuple(inputs))
        exact = exact if isinstance(exact, tuple) else (exact,)
        got = learner.probe("jacobian", name, inputs, 1e-6)["jacobians"]
        for j, (g, e) in enumerate(zip(got, exact)):
            expect_close(g, e.reshape(g.shape), rtol=1e-5, atol=1e-7,
                         what=f"the Jacobian of {name} for input {j} against the exact derivative")


def test_jacobian_shapes(learner, device, rng):
    """Each Jacobian has shape (out.numel(), inp.numel()), for matrices, scalars and scalar outputs."""
    cases = [("tanh_matmul", [rand(rng, 2, 3, device=device), rand(rng, 3, 4, device=device)], [(8, 6), (8, 12)]),
             ("cube_sum", [rand(rng, 5, device=device)], [(1, 5)]),
             ("exp_3x", [rand(rng, device=device)], [(1, 1)])]
    for name, inputs, shapes in cases:
        got = learner.probe("jacobian", name, inputs, 1e-6)["jacobians"]
        if not isinstance(got, tuple) or len(got) != len(shapes):
            raise CheckFailure(f"numerical_jacobian must return a tuple with one Jacobian per input ({name})")
        for j, (g, shape) in enumerate(zip(got, shapes)):
            expect_tensor(g, what=f"the Jacobian of {name} for input {j}", shape=shape, dtype=torch.float64,
                          device=device)


def test_inputs_unchanged(learner, device, rng):
    """numerical_jacobian leaves the caller's inputs as they were: same values, no in-place writes."""
    inputs = [rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 3, 2, device=device)]
    out = learner.probe("jacobian", "tanh_matmul", inputs, 1e-3)
    for j, (after, before) in enumerate(zip(out["inputs_after"], inputs)):
        if not torch.equal(after, before.detach()):
            raise CheckFailure(f"input {j} has different values after numerical_jacobian: work on copies")
    if any(out["versions_changed"]):
        raise CheckFailure("numerical_jacobian modified an input in place (its version counter changed): "
                           "perturb clones instead")


def test_verdicts_match_gradcheck(learner, device, rng):
    """check_grad gives torch.autograd.gradcheck's verdict on correct and subtly wrong backwards."""
    kink = torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64, device=device, requires_grad=True)
    cases = [
        ("tanh_matmul", [rand(rng, 2, 3, device=device, requires_grad=True),
                         rand(rng, 3, 2, device=device, requires_grad=True)]),
        ("two_outputs", [rand(rng, 4, device=device, requires_grad=True)]),
        ("square", [rand(rng, 5, device=device, requires_grad=True)]),
        ("square_missing_two", [rand(rng, 5, device=device, requires_grad=True)]),
        ("sin_wrong_sign", [rand(rng, 4, device=device, requires_grad=True)]),
        ("exp_slightly_off", [rand(rng, 3, device=device, requires_grad=True)]),
        ("relu", [kink]),
        ("abs", [kink]),
        ("matmul", [rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 3, 2, device=device)]),
    ]
    for name, inputs in cases:
        want = torch.autograd.gradcheck(F[name], tuple(inputs), eps=1e-6, atol=1e-5, rtol=1e-3,
                                        raise_exception=False)
        got = learner.probe("verdict", name, inputs, 1e-6, 1e-5, 1e-3)
        expect_equal(got, bool(want), what=f"check_grad's verdict for {name}")


def test_skips_inputs_without_grad(learner, device, rng):
    """Only inputs that require grad are checked (a wrong backward for an input without grad is not a failure)."""
    a = rand(rng, 3, device=device, requires_grad=True)
    b = rand(rng, 3, device=device)
    expect_equal(learner.probe("verdict", "a_plus_bad_square_b", [a, b], 1e-6, 1e-5, 1e-3), True,
                 what="check_grad when only the first input requires grad")


def test_does_not_call_gradcheck(learner, source, device, rng):
    """The checker is your own and works: it passes a correct Function without torch.autograd.gradcheck."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the comparison yourself")
    x = rand(rng, 4, device=device, requires_grad=True)
    expect_equal(learner.probe("verdict", "square", [x], 1e-6, 1e-5, 1e-3), True,
                 what="check_grad on a correct Square")
