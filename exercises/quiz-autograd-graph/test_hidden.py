"""Hidden graders for quiz-autograd-graph: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track1_quiz_facts.py (a test decorated
@proves("quiz-autograd-graph", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", True,
           "A tensor you create is a leaf: no recorded operation produced it (grad_fn is None), and backward "
           "accumulates into its .grad."),
    "q2": ("bool", False,
           "It was produced by recorded ops (MulBackward0, then SumBackward0): a non-leaf with a grad_fn. Outputs "
           "are not leaves, whatever the seed says."),
    "q3": ("bool", False,
           "Only leaves keep .grad; a non-leaf's stays None (reading it warns) unless you call retain_grad() on it "
           "before backward, or read the gradient with a hook or torch.autograd.grad."),
    "q4": ("bool", True,
           "Every tensor with requires_grad=False is a leaf by convention: no operation was recorded for it."),
    "q5": ("choice", "b",
           "next_functions point from a node to the nodes of its inputs, the direction backward walks; a node does "
           "not list the nodes that consume its output."),
    "q6": ("bool", False,
           "Only floating-point and complex tensors can require grad; ops on integer tensors record nothing, so "
           "grad_fn is None."),
    "q7": ("choice", "b",
           "backward(gradient) takes dL/dt, the v of v^T J; autograd never builds J itself. Without it t must be a "
           "scalar, whose gradient defaults to 1."),
    "q8": ("bool", False,
           "Hooks run in Module.__call__: model(x) runs the pre-hooks, forward and the forward hooks; "
           "model.forward(x) runs the bare method and skips them."),
    "q9": ("number", 12.0,
           ".grad accumulates: each backward adds 2x = [2, 4, 6], so two give [4, 8, 12]. That is why a training "
           "step calls optimizer.zero_grad(), and how gradient accumulation over micro-batches works."),
    "q10": ("choice", "b",
           "A gradient has its tensor's shape: the backward of a broadcast op sums the incoming gradient over the "
           "dimensions that were broadcast, so a.grad[i, 0] = b.sum() for every i, in shape (3, 1)."),
    "q11": ("bool", False,
           "The loss is computed once, in the forward pass, where each op saved what its derivative needs; backward "
           "is one reverse sweep over the recorded graph, applying the chain rule node by node."),
    "q12": ("number", -0.125,
           "dL/dz = (softmax(z) - onehot(t)) / N = (0.5 - 1) / 4 for the mean cross-entropy."),
    "q13": ("bool", True,
           "detach() gives a new tensor on the same storage, cut from the graph: an in-place change to one shows in "
           "the other, and it shares x's version counter, so backward raises if x had been saved for it."),
    "q14": ("choice", "c",
           "Reverse-mode automatic differentiation: each recorded op applies its exact derivative formula in one "
           "backward sweep, not finite differences (the seeds' claim) and not symbolic algebra on the source."),
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
