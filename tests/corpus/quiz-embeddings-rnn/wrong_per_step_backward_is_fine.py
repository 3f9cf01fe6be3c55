"""Thinks per-step backward through an undetached hidden state just works."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 2.0,
    "q4": 0.0,
    "q5": False,
    "q6": False,
    "q7": "a",
    "q8": False,
    "q9": True,
    "q10": "a",
    "q11": True,
    "q12": 2560,
}
