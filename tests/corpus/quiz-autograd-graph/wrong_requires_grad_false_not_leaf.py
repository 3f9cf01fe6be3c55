"""Believes a tensor computed without grad is not a leaf, and that detach() copies."""

ANSWERS = {
    "q1": True,
    "q2": False,
    "q3": False,
    "q4": False,
    "q5": "b",
    "q6": False,
    "q7": "b",
    "q8": False,
    "q9": 12.0,
    "q10": "b",
    "q11": False,
    "q12": -0.125,
    "q13": False,
    "q14": "c",
}
