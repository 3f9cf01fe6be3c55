"""Hidden graders for quiz-autograd-debugging: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('bool', False,
             'Neither make_dot nor make_subgraph is in torch.autograd.functional; make_dot belongs to the separate torchviz package.'),
    'q2': ('choice', 'b',
             "For (sqrt(x) * 0).sum() at x = 0 it raises: Function 'SqrtBackward0' returned nan values in its 0th output."),
    'q3': ('bool', False,
             'It checks backward outputs: log(x - 1) at x = 0.5 gives NaN forward but a finite gradient 1 / (x - 1), and nothing is raised.'),
    'q4': ('choice', 'a',
             'Only leaves keep .grad by default; retain_grad keeps it for h, a hook receives it as it flows.'),
    'q5': ('bool', True,
             'Forgetting to remove hooks is a classic leak: keep the handles and remove them when done.'),
    'q6': ('bool', True,
             "'Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.': NumPy would cut the graph silently."),
    'q7': ('bool', False,
             'It only scales gradients down when their norm exceeds max_norm: it helps with exploding gradients, never with vanishing ones.'),
    'q8': ('number', 5.0,
             'The total norm before clipping; the gradient is then scaled to norm 1 ([0.6, 0.8]).'),
    'q9': ('bool', True,
             "The new graph reaches into the previous batch's graph, already freed: 'Trying to backward through the graph a second time'."),
    'q10': ('bool', False,
             'Each call draws a fresh mask; use seeds for reproducibility and model.eval() for inference.'),
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
