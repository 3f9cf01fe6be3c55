"""Public graders for debug-hooks."""

from grader.judge.checks import CheckFailure


def test_nan_module_example(learner, device):
    """For Sequential(Linear, Tanh, Log(), Linear) on an input with negative tanh outputs, the first non-finite output
    comes from '2' (the log), and no hook is left on the model afterwards."""
    got = learner.probe("nonfinite", "log_of_negative", 0, str(device))
    inputs = ("model = Sequential(Linear(3, 4), Tanh(), Log(), Linear(4, 2)) after torch.manual_seed(0); x = 8 rows "
              "of torch.randn (Generator seed 0) with rows 0 and 1 set to [30, -30, 30] and [-30, 30, -30]")
    if got["got"] != "2":
        raise CheckFailure("first_nonfinite_module should name the Log module, '2'",
                           f"inputs: {inputs}\nexpected '2'\nreceived {got['got']!r}")
    if got["hooks_left"]:
        raise CheckFailure("first_nonfinite_module left hooks registered on the model",
                           f"inputs: {inputs}\nhooks still attached afterwards: {got['hooks_left']}")
