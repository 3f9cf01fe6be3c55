"""Hidden graders for fix-del-saved-tensors: saved bytes against the judge's own count, predict frees its input."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

CASES = {
    "linear_input_grad": "a Linear whose input requires grad (input and weight are saved)",
    "tanh": "tanh (saves its output)",
    "square": "x * x (the same tensor saved twice: one storage)",
    "add": "x + x (saves nothing)",
    "slice": "x[0] * x[1] (two views of one storage)",
    "mlp": "a Linear-Tanh-Linear stack",
    "no_grad": "anything under torch.no_grad()",
}


@pytest.mark.parametrize("name", list(CASES))
def test_saved_bytes(learner, device, rng, name):
    """saved_bytes equals the distinct saved storages' bytes for one kind of function, at a random batch size."""
    n = int(torch.randint(2, 40, (1,), generator=rng))
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("learner_bytes", name, n, seed, str(device))
    if got != P.reference_bytes(name, n, seed, str(device)):
        raise CheckFailure(f"saved_bytes is not right for {CASES[name]}")


def test_predict(learner, device, rng):
    """predict returns model(x) with no graph, frees x after del, leaves grad mode on, in float32 and float64."""
    for dtype in ("float32", "float64"):
        n = int(torch.randint(1, 30, (1,), generator=rng))
        got = learner.probe("predict_report", n, int(torch.randint(0, 10_000, (1,), generator=rng)), dtype, str(device))
        expect_close(got["out"], got["want"], what=f"predict(model, x) in {dtype}")
        if got["has_graph"] or got["requires_grad"]:
            raise CheckFailure("predict's output still carries a graph")
        if not got["x_freed"]:
            raise CheckFailure("after del x, the input is still alive")
        if not got["grad_mode_after"]:
            raise CheckFailure("predict must not leave gradient recording switched off for the caller")
