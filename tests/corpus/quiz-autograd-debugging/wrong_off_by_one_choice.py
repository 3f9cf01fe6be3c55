"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": "b",
    "q2": "c",
    "q3": False,
    "q4": 31.0,
    "q5": True,
    "q6": True,
    "q7": "c",
    "q8": True,
    "q9": False,
    "q10": False,
}
