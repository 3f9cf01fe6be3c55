"""Hidden graders for quiz-gradient-stability: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch by tests/test_track1_quiz_facts.py in the project.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", False, "The back-propagated gradient reaching the first layer is ~1e-18, below Adam's eps (1e-8): "
                          "its step rounds to 0 in float32 while the last layer moves by lr. Adam rescales steps; it "
                          "does not restore a signal that has vanished."),
    "q2": ("bool", True, "It returns the total norm before clipping, which is what you log to watch for explosions."),
    "q3": ("choice", "b", "Clipping the norm bounds every update; regularisation, batch size and epochs do not."),
    "q4": ("bool", False, "The penalty adds its own term 2 lambda W; the data loss's gradient for the first layer is "
                          "unchanged. L1/L2 fight overfitting, not vanishing gradients."),
    "q5": ("number", 0.25, "sigmoid'(x) = s(1 - s) is largest at x = 0: 1/4. Twenty layers multiply at most 4^-20."),
    "q6": ("choice", "d", "Measured around 1e-17: that is why deep sigmoid MLPs without residuals do not train."),
    "q7": ("bool", False, "Anomaly mode checks the outputs of backward functions; a NaN made only in the forward pass "
                          "goes unnoticed if its gradient is finite (check the forward with torch.isnan yourself)."),
    "q8": ("choice", "d", "Residuals, normalisation and initialisation keep the signal alive; L1 does not."),
    "q9": ("bool", True, "Every gradient is multiplied by the same factor, so the direction is kept."),
    "q10": ("bool", False, "Clamping entries separately changes their ratios: [3, 0.5] clipped at 1 is [1, 0.5]."),
    "q11": ("choice", "c", "exp(100) is inf in float32, and inf / inf is nan: use torch.tanh or exp(-2|x|)."),
    "q12": ("number", 5.0, "The total norm 50 is above 5, so the gradient is scaled by 5 / (50 + 1e-6)."),
    "q13": ("choice", "a", "Anomaly detection raises at the backward function that returned NaN and prints the "
                           "forward traceback of the operation that created it."),
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
