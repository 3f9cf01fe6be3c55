"""Public graders for fix-loss-accumulation."""

from grader.judge import kit
from grader.judge.checks import CheckFailure, load_sibling, summarize

P = load_sibling(__file__)


def test_train_epoch_returns_floats(learner, device):
    """train_epoch over 3 batches returns 3 Python floats, the losses of the 3 steps."""
    got = learner.probe("run_train", 0, 3, 0.1, str(device))
    losses = got.get("losses") if isinstance(got, dict) else None
    shown = "torch.manual_seed(0); Linear(3, 16) -> Tanh -> Linear(16, 1) in float64; 3 batches of 8; SGD lr 0.1, momentum 0.5"
    if not isinstance(losses, list) or len(losses) != 3:
        raise CheckFailure("train_epoch must return a list with one loss per batch", f"inputs: {shown}\n"
                           f"received {summarize(losses)}")
    for k, value in enumerate(losses, start=1):
        try:
            kit.expect_float(value, what=f"the loss of batch {k}")
        except CheckFailure as failure:
            raise CheckFailure(failure.prop + " (a loss tensor keeps its graph alive)",
                               f"inputs: {shown}\n{failure.detail}") from None
