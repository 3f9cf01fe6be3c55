"""Public graders for grow-network."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

HARNESS = load_sibling(__file__)  # probes.py, loaded in the judge: the same harness drives torch's reference


def reference_grow(model, opt, layer, lr=None):
    model.append(layer)
    opt.add_param_group({"params": list(layer.parameters()), **({} if lr is None else {"lr": lr})})


def test_new_layer_is_trained(learner):
    """Seed 0, Adam(lr=0.01): two steps, grow(model, opt, Linear(8, 2)), two steps: the model has 3 modules, the
    optimizer 2 param groups, and the new layer's weights moved exactly as with opt.add_param_group."""
    got = learner.probe("run", 0, None)
    want = HARNESS.drive(reference_grow, 0, None)
    if got.get("modules") != 3:
        raise CheckFailure("grow must append the layer to the Sequential",
                           f"expected 3 modules, received {summarize(got.get('modules'))}")
    groups = got.get("groups")
    if not isinstance(groups, list) or len(groups) != 2:
        raise CheckFailure("the optimizer should have 2 param groups after grow", f"received {summarize(groups)}")
    layer = got.get("layer_params")
    if not isinstance(layer, list) or len(layer) != 2:
        raise CheckFailure("the new layer's parameters could not be read", f"received {summarize(layer)}")
    for name, a, b in zip(("weight", "bias"), layer, want["layer_params"]):
        expect_close(a, b, rtol=1e-10, atol=1e-12, what=f"the new layer's {name} two Adam steps after grow",
                     inputs="seed 0, Adam(lr=0.01), grow(model, opt, nn.Linear(8, 2))")
