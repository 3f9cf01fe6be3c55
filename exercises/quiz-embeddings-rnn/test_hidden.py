"""Hidden graders for quiz-embeddings-rnn: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track2_quiz_facts.py (a test decorated
@proves("quiz-embeddings-rnn", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", True,
           "An embedding is a lookup table: row idx of the weight, which is what a one-hot vector times the weight "
           "matrix selects. Dense and low-dimensional compared with the V-wide one-hot."),
    "q2": ("bool", True,
           "Only the looked-up rows took part in the forward, so only they get gradient (a sparse update, which is "
           "why nn.Embedding offers sparse=True)."),
    "q3": ("number", 2.0,
           "Row 2 was looked up twice; each use contributes a gradient of 1."),
    "q4": ("number", 0.0,
           "padding_idx's row is excluded from the gradient: padding never learns."),
    "q5": ("bool", False,
           "Static embeddings have one vector per word type; context-dependent vectors need a contextual model (an "
           "RNN or Transformer over the sentence)."),
    "q6": ("bool", False,
           "from_pretrained freezes by default (freeze=True sets requires_grad=False), so the optimizer leaves "
           "pretrained vectors as they are; pass freeze=False to fine-tune them."),
    "q7": ("choice", "a",
           "Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh); nonlinearity='relu' swaps the tanh."),
    "q8": ("bool", False,
           "Without the tanh every step is affine, and a composition of affine maps is affine: the seed's "
           "i2h(cat(x, h)) recurrence is linear in its inputs."),
    "q9": ("bool", True,
           "A packed batch stops each sequence at its own length, so h_n holds every sequence's state at its true "
           "last step; run on the padded tensor, the RNN would step on through the padding."),
    "q10": ("choice", "b",
           "The first backward frees the graph's saved tensors, and the second step's graph reaches into the first "
           "one through the hidden state: detach the hidden state (truncated BPTT) or backpropagate once per "
           "sequence."),
    "q11": ("bool", True,
           "out holds the top layer's hidden state at every step, h_n the last step's for every layer: for one "
           "unidirectional layer they coincide (not for padded or bidirectional runs)."),
    "q12": ("number", 2560,
           "4 gates, each with W_ih (20 x 10), W_hh (20 x 20) and two biases of 20: 4 * 640."),
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
    elif kind == "bool":
        ok = given is right
    else:
        ok = isinstance(given, (int, float)) and not isinstance(given, bool) and math.isclose(given, right, rel_tol=1e-6)
    if not ok:
        raise CheckFailure(f"{item} is not right yet")
    explain(f"right: {why}")
