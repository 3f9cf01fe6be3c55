"""Hidden graders for quiz-memory-performance: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('bool', False,
             "It hands unused cached blocks back to the driver; its docstring: it 'doesn't increase the amount of GPU memory available for PyTorch'."),
    'q2': ('bool', False,
             'Neither exists (hasattr is False); the seeds invented them.'),
    'q3': ('bool', False,
             'You wrap chosen segments explicitly; their activations are recomputed during backward instead of being saved.'),
    'q4': ('bool', False,
             'A float32 element takes 4 bytes on any device; GPU memory is usually the scarcer one.'),
    'q5': ('number', 200,
             "Only the input, for the weight's gradient: 10 * 5 * 4 bytes. Under torch.no_grad() it saves 0."),
    'q6': ('bool', True,
             'Each addition links the new graph to the old ones; total_loss += loss.item() keeps a float and frees them.'),
    'q7': ('bool', False,
             "Parameters stay float32; eligible ops (Linear's matmul) compute in bfloat16 and return bfloat16 outputs."),
    'q8': ('bool', True,
             'Verified on CPU: the weights are unchanged and the scale goes from 65536 to 32768.'),
    'q9': ('bool', True,
             'That is what data-parallel training all-reduces (DDP averages during backward), before the optimizer step.'),
    'q10': ('choice', 'a',
             'Pinned (page-locked) host memory allows asynchronous copies; the others do not touch transfers.'),
    'q11': ('number', 3,
             "exp_avg and exp_avg_sq (each the parameter's size) and step: Adam costs two extra copies of the weights; SGD without momentum keeps none."),
    'q12': ('bool', False,
             'It only reports how many bytes tensors occupy: signature (device=None) -> int.'),
    'q13': ('bool', False,
             "It silently wraps with device_ids=[]: the seeds' 'distributed inference' is single-process threads on one node at best."),
    'q14': ('choice', 'a',
             'The gradient of a sum needs no values. x * x saves x; tanh and sigmoid save their outputs.'),
    'q15': ('choice', 'b',
             "Only each segment's input is saved; the segment's forward runs again during backward."),
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
