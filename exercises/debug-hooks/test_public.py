"""Public graders for debug-hooks."""

from grader.judge.checks import CheckFailure


def test_nan_module_example(learner, device):
    """For Sequential(Linear, Tanh, Log(), Linear) on random input, the first non-finite output comes from '2' (the log)."""
    got = learner.probe("nonfinite", "log_of_negative", 0, str(device))
    if got["got"] != "2":
        raise CheckFailure("first_nonfinite_module should name the Log module, '2'",
                           f"received {got['got']!r}; model Sequential(Linear(3, 4), Tanh(), Log(), Linear(4, 2))")
    if got["hooks_left"]:
        raise CheckFailure("first_nonfinite_module left hooks registered on the model", f"{got['hooks_left']} left")
