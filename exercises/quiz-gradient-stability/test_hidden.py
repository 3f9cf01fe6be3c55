"""Hidden graders for quiz-gradient-stability: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track1_quiz_facts.py (a test decorated
@proves("quiz-gradient-stability", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", False,
           "The gradient reaching the first layer is about 1e-18, far below Adam's eps (1e-8): its step rounds to 0 "
           "in float32 while the last layer moves by lr. Adam rescales steps; it cannot restore a signal that has "
           "vanished."),
    "q2": ("bool", True,
           "It returns the total norm before clipping, which is what you log to watch for explosions."),
    "q3": ("choice", "b",
           "Clipping the norm bounds every update however large the gradient gets; regularisation, batch size and "
           "epochs do not."),
    "q4": ("bool", False,
           "The penalty adds its own term 2 lambda W; the data loss's gradient for the first layer is unchanged. "
           "L1/L2 fight overfitting, not vanishing gradients."),
    "q5": ("number", 0.25,
           "sigmoid'(x) = s(1 - s) is largest at x = 0: 1/4. Twenty layers multiply at most 4^-20 (times the "
           "weights)."),
    "q6": ("choice", "d",
           "Measured around 1e-17: that is why deep sigmoid MLPs without residuals or normalisation do not train."),
    "q7": ("bool", False,
           "It is NaN. where sends a zero gradient into the unselected sqrt branch, but sqrt's backward still "
           "computes 0 * 1 / (2 sqrt(-1)) = 0 * NaN = NaN. Make the other branch safe too: "
           "torch.sqrt(x.clamp(min=eps))."),
    "q8": ("choice", "d",
           "Residuals, normalisation and initialisation keep the signal alive through depth; L1 only pushes weights "
           "towards zero."),
    "q9": ("bool", True,
           "Every gradient is multiplied by the same factor, max_norm / (total + 1e-6) when clipping, so the "
           "direction is kept."),
    "q10": ("bool", False,
           "Clamping entries separately changes their ratios: [3, 0.5] clipped at 1 is [1, 0.5]."),
    "q11": ("choice", "c",
           "exp(100) overflows to inf in float32, and inf / inf is nan: use torch.tanh, or a form built on "
           "exp(-2|x|)."),
    "q12": ("number", 5.0,
           "The total norm 50 is above 5, so the gradient is scaled by 5 / (50 + 1e-6): [3, 4], norm 5."),
    "q13": ("choice", "a",
           "After scaler.scale(loss).backward() the gradients are multiplied by the scale (65536 by default), so "
           "clipping them then clips the wrong norm. unscale_ divides them in place, and step() does not unscale "
           "them twice."),
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
