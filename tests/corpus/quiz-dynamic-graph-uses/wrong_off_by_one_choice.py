"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": "c",
    "q2": False,
    "q3": 28.0,
    "q4": False,
    "q5": False,
    "q6": False,
    "q7": 13.0,
    "q8": True,
    "q9": True,
    "q10": True,
    "q11": False,
}
