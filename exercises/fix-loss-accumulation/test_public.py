"""Public graders for fix-loss-accumulation."""

from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)


def test_train_epoch_returns_floats(learner, device):
    """train_epoch over 3 batches returns 3 Python floats, and no activation of the epoch is still alive."""
    got = learner.probe("run_train", 0, 3, 0.1, str(device))
    if not got["floats"] or len(got["losses"]) != 3:
        raise CheckFailure("train_epoch must return a list with one Python float per batch",
                           f"received {got['losses']!r} (floats: {got['floats']})")
    if got["alive"]:
        raise CheckFailure(f"after train_epoch returned, {got['alive']} activation(s) of its forward passes are still alive",
                           "something still references the graphs: keep loss.item(), not the loss tensor")
