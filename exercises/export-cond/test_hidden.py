"""Hidden graders for export-cond: both branches after export, dynamic batch, a file round trip."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def gate(x):
    return x * 2 if x.sum() > 0 else x - 10


def signed_inputs(rng, device, shape):
    pos = torch.rand(shape, generator=rng) + 0.1
    return [t.to(device) for t in (pos, -pos, torch.zeros(shape), pos * 5, -pos * 5)]


def test_cond_gate_eager(learner, device, rng):
    """CondGate()(x) equals the Python-if version eagerly, on both branches and for a sum of exactly 0."""
    inputs = signed_inputs(rng, device, (2, 3))
    for i, (out, x) in enumerate(zip(learner.probe("cond_gate_eager", inputs), inputs)):
        expect_close(out, gate(x), what=f"CondGate()(x) on input {i}")


def test_exported_gate_both_branches(learner, device, rng):
    """The exported CondGate holds both branches (a cond node) and is right for any sign, whatever the example."""
    inputs = signed_inputs(rng, device, (4,))
    for example in (inputs[0], inputs[1]):
        got = learner.probe("cond_gate_exported", example, inputs)
        if not got["is_program"]:
            raise CheckFailure("export_model must return a torch.export.ExportedProgram")
        if not got["has_cond"]:
            raise CheckFailure("the exported graph of CondGate has no cond node: one branch was specialized away")
        for i, (out, x) in enumerate(zip(got["outputs"], inputs)):
            expect_close(out, gate(x), what=f"the exported CondGate on input {i}")


def test_python_if_is_not_exported(learner, device):
    """export_model really exports: on a model with a Python if on a value it raises, as torch.export does."""
    got = learner.probe("if_gate_exports", torch.ones(3, device=device))
    if not got["works"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    if not got["raised"]:
        raise CheckFailure("export_model must call torch.export.export, which refuses a data-dependent Python if; "
                           "yours returned something instead")


def test_static_batch_is_specialized(learner, device, rng):
    """Without dynamic_batch, the program is exact at the example's batch size."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    xs = [torch.randn(3, 4, generator=rng).to(device) for _ in range(2)]
    got = learner.probe("mlp_exported", seed, xs[0], xs, False)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    for i, (out, want) in enumerate(zip(got["outputs"], P.mlp_reference(seed, xs))):
        expect_close(out, want, what=f"the exported MLP on batch {i} of the example's size")


def test_dynamic_batch(learner, device, rng):
    """With dynamic_batch=True, the program exported at batch 2 runs exactly at batch 1, 5 and 7."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    xs = [torch.randn(b, 4, generator=rng).to(device) for b in (2, 5, 1, 7)]
    got = learner.probe("mlp_exported", seed, xs[0], xs, True)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    for x, out, want in zip(xs, got["outputs"], P.mlp_reference(seed, xs)):
        if isinstance(out, str):
            raise CheckFailure(f"the program exported with dynamic_batch=True fails on batch {x.shape[0]} ({out})")
        expect_close(out, want, what=f"the exported MLP on batch {x.shape[0]}")


def test_save_and_load(learner, device, rng):
    """save_exported then load_exported gives an ExportedProgram with the same outputs, dynamic batch kept."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    xs = [torch.randn(b, 4, generator=rng).to(device) for b in (2, 6)]
    got = learner.probe("round_trip", seed, xs[0], xs)
    if not got["is_program"]:
        raise CheckFailure("load_exported must return a torch.export.ExportedProgram")
    for x, out, want in zip(xs, got["outputs"], P.mlp_reference(seed, xs)):
        expect_close(out, want, what=f"the loaded program on batch {x.shape[0]}")
