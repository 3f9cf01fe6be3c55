"""Hidden graders for quiz-dynamic-graph-limits: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('bool', True,
             "Each op runs when Python reaches it: the opposite of the seeds' 'hard to debug'."),
    'q2': ('choice', 'b',
             'torch.compile captures graphs of many ops and runs them as fused kernels (Inductor), without per-op Python overhead.'),
    'q3': ('bool', False,
             'Two ExpBackward0 nodes are recorded and both exps run: eager does exactly what the code says. CSE needs a compiler.'),
    'q4': ('bool', False,
             'gradcheck compares your backward with finite differences: a correctness test for a custom op, far too slow for training.'),
    'q5': ('choice', 'd',
             'In float32 central differences drown in rounding: even torch.sigmoid fails gradcheck; in float64 it passes.'),
    'q6': ('choice', 'b',
             'Each op saves what its backward needs (inputs or outputs): that is what no_grad removes and checkpointing trades for compute.'),
    'q7': ('bool', True,
             "float16's smallest subnormal is about 6e-8: tiny gradients underflow, which is why fp16 training scales the loss (GradScaler)."),
    'q8': ('choice', 'b',
             '.item() returns a Python number: the new tensor has no grad_fn, so no gradient reaches x through it.'),
    'q9': ('bool', True,
             "The version counter catches it: 'one of the variables needed for gradient computation has been modified by an inplace operation'."),
    'q10': ('bool', False,
             'Dropout adds randomness (a fresh mask per call in train mode). Reproducibility comes from seeds and deterministic algorithms.'),
    'q11': ('bool', False,
             'They come from depth, weight scale and activations, in any framework; clipping and normalisation address them.'),
    'q12': ('bool', True,
             'Dynamo reads the Python bytecode; what it cannot capture runs eagerly between graphs (graph breaks).'),
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
