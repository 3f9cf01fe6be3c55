"""Hidden graders for quiz-dynamic-graphs: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch by tests/test_quiz_facts.py in the project.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b", "Elementwise product: 1*4, 2*5, 3*6. The seed's comment [16, 25, 36] matches nothing."),
    "q2": ("bool", True, "Define-by-run: each forward pass records the ops that actually ran; backward frees them."),
    "q3": ("bool", True, "backward() with no argument needs a scalar: 'grad can be implicitly created only for "
                         "scalar outputs'. Pass a gradient, or reduce with .sum() first."),
    "q4": ("number", 6.0, "d/dx of sum(x * y) is y, so x.grad = [4, 5, 6] and x.grad[2] = 6."),
    "q5": ("bool", True, "The graph records the iterations that ran, however many there were."),
    "q6": ("choice", "b", "trace records the ops executed for the example input: the if is frozen (a TracerWarning "
                          "at most). Use torch.compile, or torch.cond with torch.export."),
    "q7": ("choice", "b", "Any Python works in forward, and you can print or pdb intermediate tensors. Accuracy, "
                          "fusion and memory are not what define-by-run buys."),
    "q8": ("bool", False, "torch.compile inserts a graph break and runs that part eagerly; it does not refuse."),
    "q9": ("choice", "b", "torch.export.export captures a full graph (torch.cond for data-dependent branches); "
                          "torch.jit.* warns that TorchScript is deprecated."),
    "q10": ("bool", True, "backward frees the saved tensors: 'Trying to backward through the graph a second time'."),
    "q11": ("choice", "a", "Each op pays Python and dispatcher overhead and runs as its own kernel; a compiler can "
                           "fuse ops and remove that overhead."),
    "q12": ("bool", False, "Vanishing gradients come from depth, activations and initialisation, in any framework."),
}


@pytest.mark.parametrize("item", list(KEY))
def test_item(learner, explain, item):
    """One quiz item."""
    answers = learner.get("ANSWERS")
    if not isinstance(answers, dict):
        raise CheckFailure("ANSWERS must be a dict from question ids ('q1', ...) to your answers")
    kind, right, why = KEY[item]
    given = answers.get(item)
    if given is None:
        raise CheckFailure(f"{item} is not answered yet")
    if kind == "choice":
        ok = isinstance(given, str) and given.strip().lower().rstrip(")") == right
        form = "a letter such as 'b'"
    elif kind == "bool":
        ok = given is right
        form = "True or False"
    else:
        ok = isinstance(given, (int, float)) and not isinstance(given, bool) and math.isclose(given, right,
                                                                                             rel_tol=1e-6)
        form = "a number"
    if not ok:
        if kind == "bool" and not isinstance(given, bool) or kind == "number" and isinstance(given, (str, bool)):
            raise CheckFailure(f"{item} should be answered with {form}")
        raise CheckFailure(f"{item} is not right yet")
    explain(f"right: {why}")
