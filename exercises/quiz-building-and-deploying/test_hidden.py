"""Hidden graders for quiz-building-and-deploying: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track2_quiz_facts.py (a test decorated
@proves("quiz-building-and-deploying", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("choice", "b",
           "Since torch 2.6 torch.load defaults to weights_only=True, which refuses arbitrary pickled classes "
           "because unpickling can run code. Save model.state_dict() and load it into a freshly built model with "
           "load_state_dict(torch.load(path)); weights_only=False only for files you trust."),
    "q2": ("bool", False,
           "new_layer gets a .grad but is never updated: the optimizer holds the parameter list it was given. "
           "Register it with optimizer.add_param_group({'params': new_layer.parameters()})."),
    "q3": ("choice", "a",
           "backward only reaches parameters on the recorded graph, so their .grad stays None, and torch's "
           "optimizers skip parameters whose .grad is None (no momentum, no weight decay). DDP needs "
           "find_unused_parameters=True for them."),
    "q4": ("bool", False,
           "Adam's state (step, exp_avg and exp_avg_sq per parameter) lives in optimizer.state_dict(); a new Adam "
           "restarts its moments and bias correction, so the next steps differ. Save and restore both state dicts."),
    "q5": ("bool", False,
           "It only stops recording the graph; model.eval() switches the modules (no dropout, running statistics). "
           "Inference needs both."),
    "q6": ("bool", False,
           "Dynamic quantization covers Linear and recurrent layers; the Conv2d silently stays float (and the API "
           "is deprecated in favour of torchao)."),
    "q7": ("bool", False,
           "state_dict() returns the live parameter tensors (detached, same storage), so later optimizer steps "
           "change best too. Copy it: copy.deepcopy(model.state_dict())."),
    "q8": ("bool", False,
           "Adam adds weight_decay * p to the gradient (L2), which Adam's normalisation then rescales; AdamW decays "
           "the weights directly, p -= lr * weight_decay * p, apart from the adaptive step. From weights 1 and "
           "gradient [1, -2, 3]: Adam gives [0.9, 1.1, 0.9], AdamW [0.89, 1.09, 0.89]."),
    "q9": ("bool", True,
           "The sampler seeds its shuffle with seed + epoch, and epoch only changes through set_epoch: call "
           "sampler.set_epoch(epoch) before each epoch so that every process draws a new, shared permutation."),
    "q10": ("bool", False,
           "A seed fixes the random numbers, not the order of floating-point accumulation: torch documents CPU "
           "kernels that may differ between runs, e.g. the backward of table[idx] (index_put_ with "
           "accumulate=True). torch.use_deterministic_algorithms(True) makes them deterministic, or raises where it "
           "cannot."),
    "q11": ("choice", "b",
           "Each replica then takes the same step from the same weights (DDP does it during backward). The seed "
           "all-reduces a state_dict after the step."),
    "q12": ("bool", True,
           "That is how layers keep state that is not trained (BatchNorm's running statistics): a plain tensor "
           "attribute is neither saved nor moved."),
    "q13": ("bool", False,
           "It replicates the whole model and splits the batch: data parallelism. Model parallelism places layers "
           "on different devices."),
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
