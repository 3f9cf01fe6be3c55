"""Hidden graders for quiz-autograd-graph: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch by tests/test_track1_quiz_facts.py in the project.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", True, "A tensor you create is a leaf: no recorded operation produced it (grad_fn is None)."),
    "q2": ("bool", False, "It was produced by recorded ops (MulBackward0, SumBackward0): a non-leaf with a grad_fn. "
                          "Outputs are not leaves, whatever the seed says."),
    "q3": ("bool", False, "Only leaves keep .grad; a non-leaf's stays None (with a UserWarning) unless you call "
                          "retain_grad() before backward, or use a hook or torch.autograd.grad."),
    "q4": ("bool", True, "Every tensor with requires_grad=False is a leaf by convention: nothing was recorded."),
    "q5": ("choice", "b", "next_functions point from a node to the nodes of its inputs (the direction backward walks); "
                          "a node does not list the nodes that depend on it."),
    "q6": ("bool", False, "Integer tensors cannot require grad, so nothing is recorded: grad_fn is None."),
    "q7": ("choice", "b", "backward(gradient) takes dL/dt, the v of v^T J; without it t must be a scalar "
                          "('grad can be implicitly created only for scalar outputs')."),
    "q8": ("bool", False, "Hooks run in Module.__call__: model(x) runs them, model.forward(x) skips them."),
    "q9": ("number", 12.0, ".grad accumulates: 2x = [2, 4, 6] twice gives [4, 8, 12]. Zero it between steps."),
    "q10": ("bool", False, "They are C++ nodes, instances of torch.autograd.graph.Node; torch.autograd.Function is the "
                           "base class for your own operations."),
    "q11": ("bool", False, "The loss is computed once, in the forward pass; backward is one reverse sweep over the "
                           "recorded graph, applying the chain rule node by node."),
    "q12": ("number", -0.125, "dL/dz = (softmax(z) - onehot(t)) / N = (0.5 - 1) / 4 for the mean cross-entropy."),
    "q13": ("bool", True, "detach() gives a new tensor on the same storage, cut from the graph; in-place changes to "
                          "one show in the other."),
    "q14": ("choice", "c", "Reverse-mode automatic differentiation: exact derivatives of the recorded ops, not finite "
                           "differences (which is what the seeds claim) and not symbolic algebra on the source."),
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
