"""Public graders for leaves-detach-freeze."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_round_ste_example(learner, device):
    """round_ste([0.4, 1.6, -2.5, 0.5]) is [0, 2, -2, 0] (torch.round: halves to even), and its gradient passes
    straight through: [1, 1, 1, 1]."""
    x = torch.tensor([0.4, 1.6, -2.5, 0.5], device=device)
    got = learner.probe("ste", x, torch.ones(4, device=device))
    inputs = "x = [0.4, 1.6, -2.5, 0.5], incoming gradient of ones"
    expect_close(got["out"], torch.tensor([0.0, 2.0, -2.0, 0.0], device=device), what="round_ste(x)", inputs=inputs)
    expect_close(got["grad"], torch.ones(4, device=device), what="the gradient of round_ste", inputs=inputs)


def test_freeze_example(learner, device):
    """freeze(model, 'enc') freezes enc's two parameters, not those of the module called 'encoder'."""
    got = learner.probe("run_freeze", "two_encoders", "enc", 0, torch.ones(2, 3, device=device))
    inputs = "model = Sequential(enc=Sequential(Linear(3, 4), Tanh()), encoder=Linear(4, 4), head=Linear(4, 2))"
    want = ["enc.0.weight", "enc.0.bias"]
    if got["names"] != want or type(got["names"]) is not list:
        raise CheckFailure("freeze(model, 'enc') must return the list of the full names of the parameters it froze",
                           f"inputs: {inputs}\nexpected {want!r}\nreceived {got['names']!r}")
    flags = got["requires_grad"]
    wrong = [n for n, rg in flags.items() if rg == (n in want)]
    if wrong:
        raise CheckFailure("after freeze(model, 'enc') exactly enc's parameters must have requires_grad=False",
                           f"inputs: {inputs}\nexpected requires_grad: { {n: n not in want for n in flags} }\n"
                           f"received requires_grad: {flags}")
    if got["grads"]["encoder.weight"] is None:
        raise CheckFailure("encoder.weight must still get a gradient: only the submodule 'enc' is frozen",
                           f"inputs: {inputs}\nafter freeze(model, 'enc') and a backward, encoder.weight.grad is None")
