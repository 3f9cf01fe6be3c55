"""Hidden graders for grads-of-intermediates: random inputs per run, compared with torch.autograd.grad in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

probes = load_sibling(__file__)


def rand(rng, *shape, device, requires_grad=False):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device).requires_grad_(requires_grad)


def reference_grads(name, *inputs):
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    out = probes.FUNCTIONS[name](*leaves).sum()
    if not out.requires_grad:
        return [torch.zeros_like(x) for x in inputs]
    return [g.detach() for g in torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)]


def reference_intermediates(name, *inputs):
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    out, named = probes.INTERMEDIATE[name](*leaves)
    keys = [k for k, t in named.items() if t.requires_grad]
    found = torch.autograd.grad(out.sum(), [named[k] for k in keys], allow_unused=True, materialize_grads=True)
    want = {k: torch.zeros_like(t).detach() for k, t in named.items()}
    want.update({k: g.detach() for k, g in zip(keys, found)})
    return want


def grads(learner, name, *inputs):
    got = learner.probe("grads", name, *inputs)
    value = got["value"]
    if not isinstance(value, (tuple, list)) or len(value) != len(inputs):
        raise CheckFailure("grads_of must return one gradient per input, as a tuple")
    return got, value


def test_grads_match_autograd(learner, device, rng):
    """grads_of equals autograd for products, matmuls and the seed's add - sub, inputs with or without grad."""
    cases = (("add_and_sub", (3, 2), (3, 2)), ("product", (4,), (4,)), ("matmul", (2, 3), (3, 4)))
    for name, sx, sy in cases:
        for rg in (False, True):
            x, y = rand(rng, *sx, device=device, requires_grad=rg), rand(rng, *sy, device=device, requires_grad=rg)
            _, value = grads(learner, name, x, y)
            for i, want in enumerate(reference_grads(name, x, y)):
                expect_close(value[i], want, rtol=1e-10, atol=1e-12,
                             what=f"grads_of for {name}, input {i}{' (requires_grad=True)' if rg else ''}")


def test_zeros_not_none(learner, device, rng):
    """An unused input, an input only seen through detach() and a constant output all give zeros, not None."""
    for name in ("unused", "through_detach", "constant"):
        x, y = rand(rng, 3, device=device), rand(rng, 3, device=device)
        _, value = grads(learner, name, x, y)
        for i, want in enumerate(reference_grads(name, x, y)):
            expect_close(value[i], want, rtol=1e-10, atol=1e-12, what=f"grads_of for {name}, input {i}")


def test_inputs_left_alone(learner, device, rng):
    """Inputs that require grad keep .grad None: grads_of and intermediate_grads do not accumulate into them."""
    x, y = rand(rng, 3, device=device, requires_grad=True), rand(rng, 3, device=device, requires_grad=True)
    got, _ = grads(learner, "product", x, y)
    if any(g is not None for g in got["input_grads"]):
        raise CheckFailure("grads_of wrote into the inputs' .grad: differentiate detached copies with autograd.grad")
    args = (rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 4, 3, device=device, requires_grad=True),
            rand(rng, 1, 4, device=device, requires_grad=True))
    got = learner.probe("intermediates", "mlp", *args)
    if any(g is not None for g in got["input_grads"]):
        raise CheckFailure("intermediate_grads wrote into the inputs' .grad")


def check_intermediates(learner, name, args, keys):
    got = learner.probe("intermediates", name, *args)["value"]
    if not isinstance(got, dict):
        raise CheckFailure("intermediate_grads must return a dict from names to gradients")
    want = reference_intermediates(name, *args)
    for k in keys:
        expect_close(got.get(k), want[k], rtol=1e-10, atol=1e-12, what=f"the gradient for the intermediate {k!r} "
                     f"({name})")


def test_intermediates_match_autograd(learner, device, rng):
    """Gradients for the MLP's pre-activation, activation and output equal autograd's."""
    for n in (1, 5):
        args = (rand(rng, n, 3, device=device), rand(rng, 4, 3, device=device), rand(rng, 2, 4, device=device))
        check_intermediates(learner, "mlp", args, ("z", "a", "o"))


def test_intermediate_not_on_the_path(learner, device, rng):
    """An intermediate the loss never uses, uses only through detach(), or that does not require grad: zeros."""
    args = (rand(rng, 3, 3, device=device), rand(rng, 4, 3, device=device), rand(rng, 2, 4, device=device))
    check_intermediates(learner, "mlp", args, ("dead", "cut", "frozen"))


def test_shared_intermediate_and_view(learner, device, rng):
    """An intermediate used twice gets the sum of both paths; a view of it gets its own gradient."""
    check_intermediates(learner, "shared", (rand(rng, 4, device=device),), ("s", "v"))
