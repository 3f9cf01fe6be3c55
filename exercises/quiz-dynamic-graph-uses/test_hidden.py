"""Hidden graders for quiz-dynamic-graph-uses: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('choice', 'b',
             'The structure of the computation changes per sample: eager code just recurses over each tree. The others have a fixed graph.'),
    'q2': ('bool', False,
             'The graph is exactly the operations your Python code ran. Any adaptivity (an early exit) is your own control flow.'),
    'q3': ('number', 0.25,
             'The loop ran twice (4 -> 2 -> 1), so y = x / 4 and the graph holds two DivBackward0 nodes: dy/dx = 0.25.'),
    'q4': ('bool', False,
             'It is a property of how the code runs: the same nn.Module runs eagerly or captured with torch.compile / torch.export.'),
    'q5': ('bool', False,
             'Static-graph frameworks differentiate too, and so does PyTorch on captured graphs (torch.compile uses AOTAutograd).'),
    'q6': ('bool', False,
             'Nothing is recorded: grad_fn is None, requires_grad is False and out.is_inference() is True.'),
    'q7': ('choice', 'b',
             'For y = x * 3 it is a MulBackward0 node; its next_functions lead back to the inputs (AccumulateGrad for leaves).'),
    'q8': ('bool', True,
             'For (x * 2 + 1).sin().sum() you find SumBackward0, SinBackward0, AddBackward0, MulBackward0, AccumulateGrad.'),
    'q9': ('choice', 'b',
             'An episode ends when the environment says so: the number of steps, and so the graph, differs every time.'),
    'q10': ('bool', False,
             '004-01 lists it under CV. RL is learning from interaction; its observations may be images, or not.'),
    'q11': ('bool', True,
             "So calling them 'dynamic-graph models' (001-08, 001-09) is wrong twice: wrong framework, and a category error."),
    'q12': ('bool', False,
             'Hyper-parameters and weights change between steps in any framework. What define-by-run adds is changing the structure.'),
    'q13': ('choice', 'b',
             'The ops run as Python executes them: intermediate tensors are real values you can print or inspect.'),
    'q14': ('bool', True,
             "The seeds' 'build and modify graphs for real-time inference' is backwards: inference should record nothing."),
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
