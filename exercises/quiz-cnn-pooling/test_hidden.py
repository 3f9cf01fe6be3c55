"""Hidden graders for quiz-cnn-pooling: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch by tests/test_track2_quiz_facts.py.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b", "PyTorch's conv does not flip the kernel: out[o, i, j] = b[o] + sum over c, m, n of "
                          "w[o, c, m, n] * x[c, i*s + m, j*s + n] (cross-correlation). Learned kernels make the flip moot."),
    "q2": ("number", 28, "floor((28 + 2*1 - 3) / 1) + 1 = 28: padding 1 keeps a 3 x 3 conv 'same'. The seed's "
                         "Linear(32*26*26) assumed no padding."),
    "q3": ("number", 15, "32 - 3 + 1 = 30, then 30 // 2 = 15, so 32 * 15 * 15 = 7200 features, not the seed's 21632."),
    "q4": ("bool", False, "Convolution is translation-equivariant only; rotating the input changes the features "
                          "(no rotation, scale or shear invariance), whatever the seed claims."),
    "q5": ("bool", True, "Equivariance: conv(roll(x)) == roll(conv(x)) exactly with circular padding. Invariance "
                         "(the same output) it is not."),
    "q6": ("bool", False, "Max-pooling is only locally, approximately shift-robust: a one-pixel shift moves values "
                          "across window borders and changes the output."),
    "q7": ("number", 0.25, "Each output is the mean of 4 inputs, so each input receives 1/4 of its window's gradient."),
    "q8": ("number", 3, "MaxPool2d's stride defaults to kernel_size: non-overlapping windows."),
    "q9": ("number", 16, "view(-1, 1568) keeps the element count (4 * 6272 = 16 * 1568) and regroups the batch into "
                         "16 rows: torch.flatten(x, 1) keeps the batch dimension."),
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
    elif kind == "bool":
        ok = given is right
    else:
        ok = isinstance(given, (int, float)) and not isinstance(given, bool) and math.isclose(given, right, rel_tol=1e-6)
    if not ok:
        raise CheckFailure(f"{item} is not right yet")
    explain(f"right: {why}")
