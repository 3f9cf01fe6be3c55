"""Public graders for activation-checkpointing. The reference (blocks(x) and its gradients) is computed here, in the
judge, from the same seeds as the blocks the worker builds."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def compare(got, want, what, inputs=""):
    """The learner's output and gradients (raw, from the worker) against the judge's plain forward."""
    if not isinstance(got, dict):
        raise CheckFailure("the grader could not read the result of checkpointed_forward")
    expect_close(got["out"], want["out"], what=f"checkpointed_forward(blocks, x) {what}", inputs=inputs)
    if not got["backward"]:
        raise CheckFailure(f"the output of checkpointed_forward carries no graph {what}: backward cannot reach "
                           "the parameters (a forward under no_grad, or a detached output?)", inputs)
    if want["x_grad"] is not None:
        if got["x_grad"] is None:
            raise CheckFailure(f"x gets no gradient {what}", inputs)
        expect_close(got["x_grad"], want["x_grad"], what=f"the gradient for x {what}", inputs=inputs)
    for i, (g, w) in enumerate(zip(got["grads"], want["grads"])):
        if g is None:
            raise CheckFailure(f"parameter {i} of the blocks gets no gradient {what}", inputs)
        expect_close(g, w, what=f"the gradient of parameter {i} of the blocks {what}", inputs=inputs)


def test_example(learner, device):
    """3 blocks Linear(4, 32)-GELU-Linear(32, 4), batch 6, x requiring grad: the output and every gradient of blocks(x)."""
    args = (0, 4, 3, 6, False, True, str(device))
    inputs = ("seed 0: 3 blocks Linear(4, 32)-GELU-Linear(32, 4) in float64, x of shape (6, 4) requiring grad, "
              "loss out.pow(2).sum()")
    compare(learner.probe("run", *args), P.reference(*args), "", inputs)
