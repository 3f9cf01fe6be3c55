"""Hidden graders for quiz-compile-and-export: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-compile-and-export", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "Export captures one full graph and has no eager fallback: a branch on a tensor's value raises "
           "(GuardOnDataDependentSymNode by default, 'Data-dependent branching' with strict=True). torch.cond "
           "records both branches."),
    "q2": ("bool", True,
           "torch._dynamo.explain reports 2 graphs and 1 break: the print runs eagerly between them."),
    "q3": ("bool", False,
           "Twice: the first call specializes on size 4; the size change fails a shape guard and triggers one "
           "recompile with a dynamic size, which serves 5, 6 and 7."),
    "q4": ("choice", "b",
           "Dynamo specializes the graph on the Python values it read and installs guards on them; a failed guard "
           "at call time triggers a recompile (up to torch._dynamo.config.recompile_limit, 8, before falling back "
           "to eager)."),
    "q5": ("choice", "b",
           "Inductor generates fused kernels for the captured graph: x.sin().cos().exp() becomes one loop "
           "(cpp_fused_cos_exp_sin on CPU). Eager autograd runs each op as recorded."),
    "q6": ("bool", True,
           "fullgraph=True demands a single graph: anything that would break it raises "
           "torch._dynamo.exc.Unsupported, which is how you check that a model compiles with no break."),
    "q7": ("bool", True,
           "Compilation is lazy: torch.compile only wraps the model, and tracing plus code generation run on the "
           "first call with real inputs (and again at every recompile). Warm up before timing."),
    "q8": ("bool", False,
           "Its docstring: 'If run in pure python, fork will not execute in parallel'. fn has already run when fork "
           "returns its Future; asynchronous execution happens only inside TorchScript, deprecated since 2.5."),
    "q9": ("bool", False,
           "It raises TraceError ('symbolically traced variables cannot be used as inputs to control flow'): "
           "proxies have no values to branch on."),
    "q10": ("bool", True,
           "The fake implementation gives the compiler the output's shape and dtype without running the op, so the "
           "op stays one opaque node of the graph: graph compilers do use custom operators (the seed says they "
           "cannot)."),
    "q11": ("choice", "a",
           "b is dead-code elimination, c constant folding, d fusion: the seed's 'sharing' is a)."),
    "q12": ("bool", False,
           "Export specializes every dimension to the example and checks it at call time; declare torch.export.Dim "
           "for a dynamic batch."),
    "q13": ("number", -11.0,
           "torch.cond puts both branches in the graph and picks one at run time: -1 - 10 = -11. torch.jit.trace "
           "would have frozen the x * 2 branch taken for ones(3) and returned -2."),
    "q14": ("bool", False,
           "torch.compile wraps the module in an OptimizedModule that holds it as _orig_mod, so every key gains the "
           "prefix '_orig_mod.' (the parameters are shared, not copied). Save model.state_dict() from the original "
           "module."),
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
