"""Hidden graders for quiz-compile-and-export: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('choice', 'b',
             "Both warn 'torch.jit.script is deprecated. Please switch to torch.compile or torch.export'."),
    'q2': ('bool', True,
             'torch._dynamo.explain reports 2 graphs and 1 break: the print runs eagerly between them.'),
    'q3': ('bool', False,
             'Twice: the first call specializes on size 4; the size change triggers one recompile with a dynamic size that serves 5, 6 and 7.'),
    'q4': ('bool', False,
             'It computes gradients. Performance comes from fusion, less overhead and memory planning.'),
    'q5': ('choice', 'b',
             'Inductor generates fused kernels for the captured graph. Eager autograd runs each op as recorded.'),
    'q6': ('bool', False,
             "Neither exists (hasattr is False): the seeds' 000-08 and 001-36 code fails at import or attribute lookup."),
    'q7': ('bool', False,
             "'optimize_for_inference expects a ScriptModule as input': script or trace an eval-mode model first."),
    'q8': ('choice', 'b',
             "torch.jit.wait(fut) gives the value. fork is TorchScript's async task API; in eager Python it does not run in parallel."),
    'q9': ('bool', False,
             "It raises TraceError ('symbolically traced variables cannot be used as inputs to control flow')."),
    'q10': ('bool', False,
             'A torch.library.custom_op with a fake (meta) implementation compiles inside a full graph (fullgraph=True).'),
    'q11': ('choice', 'a',
             "b is dead-code elimination, c constant folding, d fusion: the seed's 'sharing' is a)."),
    'q12': ('bool', False,
             'Export specializes every dimension to the example; declare torch.export.Dim for a dynamic batch.'),
    'q13': ('number', -2.0,
             "The trace recorded the x * 2 branch taken for ones(3): -1 * 2 = -2 instead of eager's -11."),
    'q14': ('bool', False,
             'It breaks the graph at the if, runs that part eagerly and carries on (fullgraph=True would make it an error).'),
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
