"""Hidden graders for quiz-autograd-debugging: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-autograd-debugging", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "a",
           "Under no_grad nothing is recorded: the loss has no grad_fn and requires_grad=False, so backward has no "
           "graph to walk. The same error appears when every parameter is frozen or the loss was rebuilt from "
           ".item()."),
    "q2": ("choice", "b",
           "Anomaly mode checks every backward function's output: for (sqrt(x) * 0).sum() at x = 0 it raises "
           "\"Function 'SqrtBackward0' returned nan values in its 0th output\" and prints the forward traceback of "
           "that op."),
    "q3": ("bool", False,
           "It checks backward outputs: log(x - 1) at x = 0.5 gives NaN forward but a finite gradient 1 / (x - 1), "
           "and nothing is raised. Check forward values with torch.isnan yourself."),
    "q4": ("number", 30.0,
           "A tensor hook receives the gradient arriving at h (here 1) and, when it returns a tensor, replaces it: "
           "10 flows on into MulBackward0, which multiplies by 3. Hooks are how you log, clip or zero gradients "
           "mid-graph."),
    "q5": ("bool", True,
           "Every later call runs it; forgetting to remove hooks is a classic leak. Keep the handles and remove "
           "them when done."),
    "q6": ("bool", True,
           "'Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.': NumPy would "
           "silently cut the graph."),
    "q7": ("choice", "b",
           "set_to_none=True is the default since torch 2.0: the gradient tensors are released (less memory, no "
           "fill), and the next backward allocates new ones. Code that reads p.grad right after zero_grad() must "
           "expect None."),
    "q8": ("bool", True,
           "One value per channel has no batch variance: 'Expected more than 1 value per channel when training'. "
           "After model.eval() it uses the running statistics and works: a model left in train mode at inference is "
           "a classic bug."),
    "q9": ("bool", False,
           "autograd.grad returns the gradients and leaves .grad untouched (None stays None): that is why gradient "
           "penalties and meta-learning use it. backward() accumulates into the leaves' .grad."),
    "q10": ("bool", False,
           "Each call draws a fresh mask. Reproducibility needs a seed (and deterministic algorithms), and "
           "inference needs model.eval(), which turns dropout off."),
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
