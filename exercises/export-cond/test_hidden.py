"""Hidden graders for export-cond: CondGate eagerly and exported (both branches, any shape), a Python if refused,
the batch size fixed or dynamic as asked, a file round trip. References are computed here, in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")

# what torch.export raises on a Python if over a tensor's value in torch 2.13 (GuardOnDataDependentSymNode by default,
# Dynamo's Unsupported with strict=True), and Dynamo's UserError that other versions raise for it
EXPORT_REFUSALS = {"GuardOnDataDependentSymNode", "Unsupported", "UserError"}


def signed_inputs(rng, device, shape):
    pos = torch.rand(shape, generator=rng) + 0.1
    return [t.to(device) for t in (pos, -pos, torch.zeros(shape), pos * 5, -pos * 5)]


def expect_outputs(outs, xs, want, what):
    if not isinstance(outs, list) or len(outs) != len(xs):
        raise CheckFailure(f"the grader could not run the program on every input ({what})")
    for x, out, w in zip(xs, outs, want):
        if isinstance(out, str):
            raise CheckFailure(f"the program {what} fails on an input of shape {tuple(x.shape)} ({out})")
        expect_close(out, w, what=f"the program {what} on an input of shape {tuple(x.shape)}")


def test_cond_gate_eager(learner, device, rng):
    """CondGate()(x) equals the Python-if version eagerly, on both branches, for a sum of exactly 0 and a tiny positive
    sum (in float32, and 1e-50 in float64, which a float32 sum rounds to 0), an int8 input whose sum (200) only fits
    x.sum()'s int64 (a sum in x's own dtype wraps negative), a NaN sum (x.sum() > 0 is False: x - 10, where
    `not x.sum() <= 0` doubles), and for 1-D, 2-D and 0-d inputs."""
    inputs = (signed_inputs(rng, device, (2, 3)) + signed_inputs(rng, device, (4,))
              + [torch.tensor(0.5, device=device), torch.tensor(-0.5, device=device),
                 torch.tensor([1.5, -1.5, 0.0], device=device),
                 torch.tensor([1e-45, 0.0, 0.0], device=device),  # a sum so small that sum / n rounds to 0
                 torch.tensor([1e-50, 0.0], dtype=torch.float64, device=device),  # 0 once summed in float32
                 torch.tensor([-1e-50, 0.0], dtype=torch.float64, device=device),
                 torch.tensor([100, 100], dtype=torch.int8, device=device)])  # sums to -56 in int8
    outs = learner.probe("cond_gate_eager", inputs)
    if not isinstance(outs, list) or len(outs) != len(inputs):
        raise CheckFailure("the grader could not run CondGate on every input")
    for i, (out, x) in enumerate(zip(outs, inputs)):
        expect_close(out, G.gate(x), what=f"CondGate()(x) on an input of shape {tuple(x.shape)} ({x.dtype})")
    x = torch.tensor([float("nan"), 1.0, -2.0], device=device)  # NaN > 0 is False: the x - 10 branch
    (out,) = learner.probe("cond_gate_eager", [x])
    want = G.gate(x)
    if not isinstance(out, torch.Tensor) or out.shape != want.shape or out.dtype != want.dtype:
        raise CheckFailure("CondGate()(x) for an x whose sum is NaN must return a tensor of x's shape and dtype")
    if not torch.equal(out.isnan(), want.isnan()) or not torch.equal(out[1:], want[1:]):
        raise CheckFailure("CondGate()(x) for an x whose sum is NaN: x.sum() > 0 is False, so it must return x - 10 "
                           "(test the condition exactly as x.sum() > 0)")


def test_exported_gate_both_branches(learner, device, rng):
    """The exported CondGate holds both branches (a cond node) and is right for any sign, whatever the example's, also
    when exported with a 0-d example (a Python if kept for 0-d inputs cannot be exported)."""
    inputs = signed_inputs(rng, device, (4,))
    for example in (inputs[0], inputs[1]):
        got = learner.probe("cond_gate_exported", example, inputs)
        G.expect_cond_program(got, "exported with a positive or a negative example")
        expect_outputs(got["outputs"], inputs, [G.gate(x) for x in inputs], "exported from CondGate")
    scalars = signed_inputs(rng, device, ())
    got = learner.probe("cond_gate_exported", scalars[0], scalars)
    G.expect_cond_program(got, "exported with a 0-d example", "exported with a 0-d example")
    expect_outputs(got["outputs"], scalars, [G.gate(x) for x in scalars], "exported from CondGate with a 0-d example")


def test_python_if_is_not_exported(learner, device, rng):
    """export_model really exports: it returns a working program for an MLP, and on a model with a Python if on a
    value it raises torch.export's own error."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    xs = [torch.randn(2, 4, generator=rng).to(device)]
    got = learner.probe("mlp_exported", seed, xs[0], xs, False)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"], xs, P.reference_mlp(seed, xs), "exported from an MLP")
    got = learner.probe("if_gate_exports", torch.ones(3, device=device))
    if not got["raised"]:
        raise CheckFailure("export_model must call torch.export.export, which refuses a data-dependent Python if; "
                           "yours returned something instead")
    if got["error"] not in EXPORT_REFUSALS:
        raise CheckFailure("on a model with a Python if on a value, export_model must let torch.export's own error "
                           f"through (it raised {got['error']})")


def test_static_batch_is_specialized(learner, device, rng):
    """Without dynamic_batch, the program is exact at the example's batch size and refuses other batch sizes, also
    for a model exported with dynamic_batch=True (or at another batch size) by an earlier call, and a model exported
    again after its weights changed gives its new outputs."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    same = [torch.randn(3, 4, generator=rng).to(device) for _ in range(2)]
    other = [torch.randn(b, 4, generator=rng).to(device) for b in (1, 5)]
    got = learner.probe("mlp_exported", seed, same[0], same + other, False)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"][:2], same, P.reference_mlp(seed, same), "exported at batch 3")
    for x, out in zip(other, got["outputs"][2:]):
        if not isinstance(out, str):
            raise CheckFailure(f"without dynamic_batch, the program exported at batch 3 must be fixed to that size; it "
                               f"accepted a batch of {x.shape[0]}")
    # the same model object exported with dynamic_batch=True first: the second, static export is its own program
    got = learner.probe("mlp_exported_twice", seed, torch.randn(5, 4, generator=rng).to(device), True, same[0], False,
                        same + other)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"][:2], same, P.reference_mlp(seed, same), "exported at batch 3 after an export of "
                   "the same model with dynamic_batch=True")
    if any(not isinstance(out, str) for out in got["outputs"][2:]):
        raise CheckFailure("a model exported with dynamic_batch=True and then again without it must give a program "
                           "fixed to the second example's batch size; it accepted another batch size (each call "
                           "exports the model it is given with its own arguments: keep no program from an earlier "
                           "call)")
    # the same model exported static twice, at batch 5 and then at batch 3: the second program is fixed to batch 3
    got = learner.probe("mlp_exported_twice", seed, torch.randn(5, 4, generator=rng).to(device), False, same[0], False,
                        same + other)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"][:2], same, P.reference_mlp(seed, same), "exported at batch 3 after an export of "
                   "the same model at batch 5 (each call exports the model it is given with its own example: keep "
                   "no program from an earlier call)")
    if any(not isinstance(out, str) for out in got["outputs"][2:]):
        raise CheckFailure("a model exported at batch 5 and then again at batch 3 (both without dynamic_batch) must "
                           "give a program fixed to batch 3; it accepted another batch size (keep no program from an "
                           "earlier call)")
    # the same model, the same example, its weights changed in between: the second program has the new weights
    got = learner.probe("mlp_exported_after_update", seed, same[0], same)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"], same, P.reference_mlp_negated(seed, same), "exported again at the same example "
                   "after the model's weights changed (each call exports the model as it is then: keep no program "
                   "from an earlier call)")


def unbounded(bound):
    """A range's upper bound as the program states it: int_oo (sympy's oo, or sys.maxsize - 1 in older torch) when
    the size may grow without limit."""
    if bound in ("int_oo", "oo"):
        return True
    return bound.isdigit() and int(bound) >= 2 ** 62


def test_dynamic_batch(learner, device, rng):
    """With dynamic_batch=True, the program exported at batch 5 runs exactly at batch 1, 2, 4, 7, 33, 300 and 1000 (smaller
    batches than the example's included: no min= above 1 on the Dim), and
    its batch size has no upper bound (any batch size: no max= on the Dim); only dimension 0 is dynamic: a program
    exported from a model that works on any shape, at example size (2, 5, 3), accepts another batch size but refuses
    another size of dimension 1 or 2; with an example of batch 1, which torch.export cannot make dynamic, export_model
    raises (as torch.export does for a Dim) or returns a program that accepts any batch size, never one fixed to 1.
    Each call exports the model it is given with its own arguments: a model exported static first and then with
    dynamic_batch=True gets a dynamic program."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    xs = [torch.randn(b, 4, generator=rng).to(device) for b in (5, 2, 1, 4, 7, 33, 300, 1000)]
    got = learner.probe("mlp_exported", seed, xs[0], xs, True)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"], xs, P.reference_mlp(seed, xs), "exported with dynamic_batch=True")
    bounds = got.get("upper_bounds")
    if not isinstance(bounds, list) or not all(isinstance(b, str) for b in bounds):
        raise CheckFailure("the grader could not read the size ranges of the program exported with dynamic_batch=True")
    if not all(unbounded(b) for b in bounds):
        raise CheckFailure("with dynamic_batch=True the program must accept any batch size: its batch dimension has an "
                           "upper bound (leave max= off the Dim)")
    accepted = [torch.randn(b, 5, 3, generator=rng).to(device) for b in (2, 6)]
    refused = [torch.randn(*shape, generator=rng).to(device) for shape in ((2, 6, 3), (6, 5, 4), (6, 7, 2))]
    got = learner.probe("elementwise_exported", accepted[0], accepted + refused)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"][:2], accepted, P.reference_elementwise(accepted),
                   "exported with dynamic_batch=True from a model that works on any shape")
    for x, out in zip(refused, got["outputs"][2:]):
        if not isinstance(out, str):
            raise CheckFailure("with dynamic_batch=True only dimension 0 is dynamic: the other dimensions stay fixed "
                               "to the example's, but the program exported at shape (2, 5, 3) accepted "
                               f"{tuple(x.shape)}")
    # the same model object exported without dynamic_batch first: the second export is dynamic all the same
    got = learner.probe("mlp_exported_twice", seed, xs[3], False, xs[0], True, xs)
    if not got["is_program"]:
        raise CheckFailure("export_model must return a torch.export.ExportedProgram")
    expect_outputs(got["outputs"], xs, P.reference_mlp(seed, xs), "exported with dynamic_batch=True after an export "
                   "of the same model without it (each call exports the model it is given with its own arguments: "
                   "keep no program from an earlier call)")
    ones = [torch.randn(b, 4, generator=rng).to(device) for b in (1, 3, 8)]
    got = learner.probe("mlp_exported_or_error", seed, ones[0], ones, True)
    if not got.get("raised"):
        if not got.get("is_program"):
            raise CheckFailure("export_model must return a torch.export.ExportedProgram")
        if any(isinstance(out, str) for out in got["outputs"]):
            raise CheckFailure("with dynamic_batch=True and an example of batch 1, export_model returned a program "
                               "fixed to batch 1: torch.export cannot make a dimension of size 1 dynamic, so let it "
                               "raise (a Dim does; Dim.AUTO specializes silently) instead of returning a fixed program")
        expect_outputs(got["outputs"], ones, P.reference_mlp(seed, ones),
                       "exported with dynamic_batch=True at batch 1")


def test_save_and_load(learner, device, rng):
    """save_exported writes each program to the file it is given; load_exported reads that file back (moved to a new
    name, or to the name of the other file, a name already loaded from once: what the file holds now counts, not
    what was saved or loaded under its name) as an ExportedProgram with the same outputs, its dynamic batch kept."""
    seeds = [int(torch.randint(0, 10_000, (1,), generator=rng)) for _ in range(2)]
    xs = [torch.randn(b, 4, generator=rng).to(device) for b in (2, 6, 1)]
    sizes = learner.probe("save_two", seeds, xs[0])
    if not isinstance(sizes, list) or len(sizes) != 2 or any(not s for s in sizes):
        raise CheckFailure("save_exported(ep, path) must write the program to the file path (no file, or an empty one, "
                           "was found there)")
    for i, (got, seed) in enumerate(zip(learner.probe("load_two", xs), seeds)):
        if not got["is_program"]:
            raise CheckFailure("load_exported must return a torch.export.ExportedProgram")
        outs = got["outputs"]
        for x, out in zip(xs, outs if isinstance(outs, list) else []):
            if isinstance(out, str) and x.shape[0] != xs[0].shape[0]:
                raise CheckFailure(f"the program loaded from file {i + 1} of 2 (exported with dynamic_batch=True at "
                                   f"batch {xs[0].shape[0]}) fails on an input of batch {x.shape[0]} ({out}): its "
                                   "batch must stay dynamic through export_model, save_exported and load_exported "
                                   "(check that dynamic_batch=True makes dimension 0 dynamic, then that saving and "
                                   "loading keep it)")
        expect_outputs(got["outputs"], xs, P.reference_mlp(seed, xs), f"loaded from file {i + 1} of 2 (each file "
                       "holds its own program; the second was moved to the path the first was saved to and loaded from: "
                       "load_exported must read the file that is there now, not recall what was saved or loaded under "
                       "that path)")
