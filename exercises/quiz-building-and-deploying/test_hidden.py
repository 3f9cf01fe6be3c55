"""Hidden graders for quiz-building-and-deploying: one per item, with the explanation shown after a right answer.

Every answer here is checked against real torch 2.13 by tests/test_track3_quiz_facts.py where torch can settle it.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    'q1': ('choice', 'b',
             'There is no build step: any op on a tensor that requires grad adds a node, and backward frees the graph.'),
    'q2': ('bool', False,
             "new_layer gets a .grad but is never updated: register it with optimizer.add_param_group({'params': new_layer.parameters()})."),
    'q3': ('number', 12.0,
             'Gradients accumulate: 6 + 6. That is why every training step calls optimizer.zero_grad().'),
    'q4': ('bool', False,
             "It is PyTorch Lightning's; plain PyTorch uses model.load_state_dict(torch.load(path, weights_only=True))."),
    'q5': ('bool', False,
             'It only stops recording the graph; model.eval() switches the modules. Inference needs both.'),
    'q6': ('bool', False,
             'Dynamic quantization supports Linear (and RNN) layers; the Conv2d stays float, silently (and the API is deprecated in favour of torchao).'),
    'q7': ('bool', False,
             'Its code implements Sigmoid.'),
    'q8': ('bool', False,
             'Gradient clipping (and normalization, careful initialisation) address exploding gradients; L2 fights overfitting.'),
    'q9': ('bool', True,
             'ReduceOp.Sum raises AttributeError; the members are SUM, AVG, PRODUCT, MIN, MAX...'),
    'q10': ('bool', True,
             'Initialisation and data draw from the same generator; on CPU the kernels are deterministic for such models.'),
    'q11': ('choice', 'b',
             'Each replica then takes the same step from the same weights (DDP does it during backward). The seed all-reduces a state_dict after the step.'),
    'q12': ('bool', True,
             "That is how layers keep non-trained state (BatchNorm's running statistics): a plain tensor attribute is neither saved nor moved."),
    'q13': ('bool', False,
             'It replicates the whole model and splits the batch: data parallelism. Model parallelism places layers on different devices.'),
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
