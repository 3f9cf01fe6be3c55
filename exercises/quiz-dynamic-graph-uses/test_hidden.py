"""Hidden graders for quiz-dynamic-graph-uses: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-dynamic-graph-uses", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "The structure of the computation changes per sample (as do RL episodes and early exits): eager code "
           "just recurses over each tree. The others have one fixed graph."),
    "q2": ("bool", False,
           "The graph is exactly the operations your Python code ran. Any adaptivity (an early exit) is your own "
           "control flow."),
    "q3": ("number", 27.0,
           "A parameter used several times in one graph gets the sum of the gradients of its uses: y = w^3, so "
           "dy/dw = 3w^2 = 27. Recursive and recurrent nets share weights this way, however many steps ran."),
    "q4": ("bool", False,
           "It is a property of how the code runs: the same nn.Module runs eagerly or captured with torch.compile "
           "or torch.export."),
    "q5": ("bool", False,
           "Static-graph frameworks differentiate too, and so does PyTorch on captured graphs: torch.compile's "
           "AOTAutograd gives the same gradients as eager."),
    "q6": ("bool", False,
           "Nothing is recorded: grad_fn is None, requires_grad is False and out.is_inference() is True. Serving a "
           "model should record no graph at all."),
    "q7": ("number", 12.0,
           "With create_graph=True the backward pass is itself recorded, so g = 3x^2 can be differentiated: dg/dx = "
           "6x = 12. Gradient penalties, Hessian-vector products and meta-learning rely on this."),
    "q8": ("bool", True,
           "detach() cuts the graph at G's output, so backward stops there: D gets gradients and G none. Without it "
           "d_loss.backward() would also fill G's .grad."),
    "q9": ("bool", True,
           "Freezing D's parameters only stops gradients from accumulating into them; the gradient still flows "
           "through D's operations to its input G(z) and on into G. detach() (q8) would cut that path."),
    "q10": ("bool", True,
           "Linear must save its input for the weight's gradient, and inference tensors cannot be saved for "
           "backward (they have no version counter); an op that saves nothing, like t + w, is allowed. "
           "torch.no_grad() makes ordinary tensors; or clone t outside inference mode."),
    "q11": ("bool", False,
           "Hyper-parameters and weights change between steps in any framework. What define-by-run adds is changing "
           "the structure of the computation."),
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
