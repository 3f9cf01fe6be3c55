"""Hidden graders for quiz-dynamic-graph-limits: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-dynamic-graph-limits", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "Autograd would have to record the update into w's own history, which a leaf cannot have, so it refuses. "
           "Optimizers, and any manual update, run under torch.no_grad()."),
    "q2": ("bool", False,
           "bfloat16 keeps float32's 8-bit exponent (smallest normal about 1e-38): 1e-8 is stored as about "
           "1.0012e-8, with fewer mantissa bits. That is why bf16 autocast needs no GradScaler, while float16 does "
           "(q7)."),
    "q3": ("bool", False,
           "Two ExpBackward0 nodes are recorded and both exps run: eager does exactly what the code says. "
           "Eliminating common subexpressions needs a compiler that sees the whole graph."),
    "q4": ("choice", "a",
           "It perturbs each input element, builds the numerical Jacobian from forward calls and compares it with "
           "the analytical one: a correctness test for a custom backward, far too slow to run every training step."),
    "q5": ("choice", "d",
           "In float32 the central differences drown in rounding (even torch.sigmoid fails gradcheck); in float64 "
           "it passes."),
    "q6": ("choice", "b",
           "Each op saves what its backward needs (inputs or outputs): that is what no_grad removes and "
           "checkpointing trades for compute."),
    "q7": ("bool", True,
           "float16's smallest subnormal is about 6e-8: tiny gradients underflow to 0, which is why float16 "
           "training scales the loss up with GradScaler."),
    "q8": ("choice", "b",
           ".item() returns a Python number: the new tensor has no grad_fn, so no gradient reaches x through it."),
    "q9": ("bool", True,
           "sigmoid saved its output y for backward; mul_ bumped y's version counter, and backward checks it: 'one "
           "of the variables needed for gradient computation has been modified by an inplace operation'. Write y = "
           "y * 2."),
    "q10": ("bool", True,
           "CUDA kernels are queued asynchronously; .item() copies a value to the host, which synchronizes, so the "
           "CPU stops running ahead. Log every N steps, or accumulate on the device and read it rarely."),
    "q11": ("bool", False,
           "Only saved tensors are protected: x * 2 does not save its output y, and add's backward needs no values, "
           "so the in-place add is fine and x.grad is 2. The version check (q9) fires only when a saved tensor "
           "changed."),
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
