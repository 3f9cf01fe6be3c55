"""Public graders for fix-data-parallel-gloo (2 CPU processes, gloo)."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_average_gradients_example(learner):
    """With 2 ranks on halves of a batch of 8, both ranks end with the full-batch gradient."""
    ranks = learner.probe("run_ranks", 0, 1, 8, 0.1, "average")
    for r, got in enumerate(ranks):
        if isinstance(got, dict):
            raise CheckFailure(f"rank {r} failed", got["error"])
    import torch

    model = P.make(0)
    x, y = P.data(0, 1, 8)[0]
    torch.nn.functional.mse_loss(model(x), y).backward()
    for r, grads in enumerate(ranks):
        for i, (g, p) in enumerate(zip(grads, model.parameters())):
            expect_close(g, p.grad, what=f"rank {r}'s averaged gradient of parameter {i}",
                         inputs="a 4-8-2 MLP in float64, seed 0, batch 8 split 4 + 4")
