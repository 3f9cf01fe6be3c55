"""Public graders for fix-data-parallel-gloo (CPU processes, gloo). References are computed here, in the judge."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def ranks_ok(ranks, hidden=False):
    for r, got in enumerate(ranks):
        if isinstance(got, dict) and "error" in got:
            raise CheckFailure(f"rank {r} failed", got["error"].splitlines()[0] if hidden else got["error"])
    return ranks


def test_average_gradients_example(learner):
    """With 2 ranks on halves of a batch of 8, both ranks end with the full-batch gradient."""
    inputs = "a 4-8-2 MLP in float64, seed 0, batch 8 split 4 + 4 over 2 ranks"
    ranks = ranks_ok(learner.probe("run_ranks", 0, 1, 8, 0.1, "average", 2))
    want = P.reference_gradients(0, 8)
    for r, grads in enumerate(ranks):
        for i, (g, w) in enumerate(zip(grads, want)):
            if g is None:
                raise CheckFailure(f"rank {r}'s parameter {i} has no gradient after average_gradients", inputs)
            expect_close(g, w, what=f"rank {r}'s averaged gradient of parameter {i}", inputs=inputs)
