"""Public graders for grow-network."""

from grader.judge.checks import CheckFailure


def test_new_layer_is_trained(learner, device):
    """After grow, the next Adam steps change the new layer's weights, and the optimizer has 2 param groups."""
    got = learner.probe("run", 0, None, str(device))
    if got["modules"] != 3:
        raise CheckFailure("grow must append the layer to the Sequential", f"it has {got['modules']} modules")
    if not got["new_changed"]:
        raise CheckFailure("the new layer's weights did not change in two steps: the optimizer does not know them")
    if got["groups"] != 2:
        raise CheckFailure("the optimizer should have 2 param groups after grow", f"it has {got['groups']}")
