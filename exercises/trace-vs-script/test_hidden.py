"""Hidden graders for trace-vs-script: random inputs on both sides of every branch, a model with parameters."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def mixed_inputs(rng, device, shape=(3,)):
    """Inputs on both sides of the branch, and one whose sum is exactly 0 (Gate's else branch)."""
    pos = torch.rand(shape, generator=rng) + 0.1
    neg = -(torch.rand(shape, generator=rng) + 0.1)
    zero = torch.tensor([1.5, -1.5, 0.0])
    small = torch.rand(shape, generator=rng) * 0.5 - 0.25
    return [t.to(device) for t in (pos, neg, zero, small, pos * 3, neg * 3)]


def check_capture(learner, name, seed, example, inputs, what):
    got = learner.probe("static_outputs", name, seed, example, inputs)
    if not got["is_script"]:
        raise CheckFailure(f"to_static must return a torch.jit.ScriptModule ({what})")
    for i, (out, want) in enumerate(zip(got["outputs"], P.reference(name, seed, inputs))):
        expect_close(out, want.to(out.device) if isinstance(out, torch.Tensor) else want,
                     what=f"the captured {what} on input {i}")


def test_gate_any_example(learner, device, rng):
    """The capture of Gate is right on every input, whether the example was positive or negative."""
    inputs = mixed_inputs(rng, device)
    for example in (inputs[0], inputs[1]):
        check_capture(learner, "Gate", 0, example, inputs, "Gate")


def test_model_with_parameters_and_loop(learner, device, rng):
    """A model with a Linear, a branch on its output and a value-dependent loop count is captured exactly."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    inputs = [(torch.randn(2, 3, generator=rng) * s).to(device) for s in (0.3, 1.0, 3.0, 0.3, 3.0)]
    check_capture(learner, "LinearGate", seed, inputs[0], inputs, "LinearGate")


def test_save_and_load(learner, device, rng):
    """save_static then load_static gives back a ScriptModule with the same outputs, without the Python class."""
    inputs = mixed_inputs(rng, device)
    for name in ("Gate", "LinearGate"):
        xs = inputs if name == "Gate" else [torch.randn(2, 3, generator=rng).to(device) * 2 for _ in range(4)]
        got = learner.probe("round_trip", name, 7, xs[0], xs)
        if not got["is_script"]:
            raise CheckFailure(f"load_static must return a torch.jit.ScriptModule (for {name})")
        if len(got["outputs"]) != len(xs):
            raise CheckFailure(f"the module returned by load_static could not be called (for {name})")
        for i, (out, want) in enumerate(zip(got["outputs"], P.reference(name, 7, xs))):
            expect_close(out, want, what=f"the loaded {name} on input {i}")


def test_branch_free_values(learner, device, rng):
    """branch_free equals Gate()(x) on random inputs of several shapes, including a sum of exactly 0."""
    gate = P.Gate()
    for x in mixed_inputs(rng, device) + mixed_inputs(rng, device, (2, 4)):
        expect_close(learner.call("branch_free", x), gate(x), what="branch_free(x)")


def test_branch_free_survives_trace(learner, device, rng):
    """torch.jit.trace of branch_free, traced on one sign, is right for the other sign too."""
    gate = P.Gate()
    inputs = mixed_inputs(rng, device)
    for example in (inputs[0], inputs[1]):
        outs = learner.probe("traced_branch_free", example, inputs)
        for i, (out, x) in enumerate(zip(outs, inputs)):
            expect_close(out, gate(x), what=f"torch.jit.trace(branch_free) on input {i}")
