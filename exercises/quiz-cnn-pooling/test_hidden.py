"""Hidden graders for quiz-cnn-pooling: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track2_quiz_facts.py (a test decorated
@proves("quiz-cnn-pooling", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "PyTorch's conv does not flip the kernel: out[o, i, j] = b[o] + sum over c, m, n of w[o, c, m, n] * x[c, "
           "i*s + m, j*s + n] (cross-correlation). Learned kernels make the flip moot."),
    "q2": ("number", 28,
           "floor((28 + 2*1 - 3) / 1) + 1 = 28: padding 1 keeps a 3 x 3 conv 'same'. The seed's Linear(32*26*26) "
           "assumed no padding."),
    "q3": ("number", 15,
           "32 - 3 + 1 = 30, then 30 // 2 = 15, so 32 * 15 * 15 = 7200 features, not the seed's 21632."),
    "q4": ("bool", False,
           "Convolution is equivariant to translations only; rotating the input changes the features (no rotation, "
           "scale or shear invariance), whatever the seed claims."),
    "q5": ("bool", True,
           "Shift equivariance: with circular padding, conv(roll(x)) == roll(conv(x)) up to rounding. With zero "
           "padding the border columns differ, and the output moves with the input: equivariance, not invariance."),
    "q6": ("bool", False,
           "A one-pixel shift moves values across the 2 x 2 window borders: max-pooling is only locally, "
           "approximately robust to small shifts, and a random input already shows a difference."),
    "q7": ("number", 0.25,
           "Each output is the mean of 4 inputs, so each input receives 1/4 of its window's gradient."),
    "q8": ("number", 3,
           "MaxPool2d's stride defaults to kernel_size: non-overlapping windows."),
    "q9": ("number", 16,
           "view(-1, 1568) keeps the element count (4 * 6272 = 16 * 1568) and regroups the batch into 16 rows: "
           "torch.flatten(x, 1) keeps the batch dimension."),
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
