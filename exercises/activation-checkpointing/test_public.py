"""Public graders for activation-checkpointing."""

from grader.judge.checks import CheckFailure, expect_close


def test_example(learner, device):
    """On 3 blocks of Linear(8, 32)-GELU-Linear(32, 8), batch 16: same output, same gradient for x, less saved memory."""
    args = (0, 8, 3, 16, False, True)
    got = learner.probe("run", *args, True, str(device))
    plain = learner.probe("run", *args, False, str(device))
    inputs = "3 blocks Linear(8, 32)-GELU-Linear(32, 8) in float64, x of shape (16, 8) requiring grad"
    expect_close(got["out"], plain["out"], what="checkpointed_forward(blocks, x)", inputs=inputs)
    if got["x_grad"] is None:
        raise CheckFailure("x gets no gradient through checkpointed_forward", inputs)
    expect_close(got["x_grad"], plain["x_grad"], what="the gradient for x", inputs=inputs)
    if got["saved"] >= plain["saved"]:
        raise CheckFailure("checkpointed_forward saves as much for backward as the plain forward",
                           f"{got['saved']} bytes against {plain['saved']} (parameters not counted); {inputs}")
