"""Hidden graders for quiz-dynamic-graphs: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-dynamic-graphs", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "Elementwise product: 1*4, 2*5, 3*6. The seed's comment [16, 25, 36] matches nothing."),
    "q2": ("bool", True,
           "Define-by-run: each operation on a tensor that requires grad adds its backward node (grad_fn) as it "
           "runs; backward walks that record, and the next forward pass records a new one."),
    "q3": ("bool", True,
           "backward() without a gradient is only defined for a scalar ('grad can be implicitly created only for "
           "scalar outputs'): pass the upstream gradient, y.backward(torch.ones_like(y)), or reduce first with "
           ".sum()."),
    "q4": ("number", 6.0,
           "d/dx_i of sum(x * y) is y_i, so x.grad = [4, 5, 6] and x.grad[2] = 6."),
    "q5": ("bool", True,
           "The graph holds exactly the iterations that ran for this input, so backward differentiates that "
           "unrolled computation; the next input may record a different number of steps."),
    "q6": ("choice", "b",
           "trace records the operations executed for the example input: the if is evaluated once and the branch "
           "taken is baked in (a TracerWarning at most). torch.compile breaks the graph there and runs the if "
           "eagerly; torch.export needs torch.cond."),
    "q7": ("choice", "b",
           "Each op runs when Python reaches it, so loops, ifs and recursion just work and print or pdb show real "
           "values. Gradients are the same as a compiled graph's, and fusion or memory planning need a compiler."),
    "q8": ("bool", False,
           "Dynamo inserts a graph break at the data-dependent if, runs it eagerly and compiles the code on either "
           "side; only fullgraph=True turns a graph break into an error."),
    "q9": ("choice", "b",
           "torch.export.export captures one full graph (an ExportedProgram; torch.cond for data-dependent "
           "branches), while torch.jit.trace and script warn that TorchScript is deprecated."),
    "q10": ("choice", "c",
           "The first backward frees the tensors the shared part saved (tanh's output, lin's input), so the second "
           "one raises 'Trying to backward through the graph a second time'. Summing the losses or passing both "
           "roots walks the graph once; retain_graph=True keeps the saved tensors (and their memory) for a second "
           "pass."),
    "q11": ("choice", "a",
           "Every op goes through Python and the dispatcher and runs as its own kernel, reading and writing memory "
           "each time (x.sin().cos().exp() is three kernels); Inductor compiles the same code into one fused "
           "kernel."),
    "q12": ("bool", False,
           "Vanishing gradients come from depth, saturating activations and initialisation: a deep sigmoid MLP gets "
           "the same tiny first-layer gradient whether it runs eagerly or compiled into a static graph."),
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
