"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": "c",
    "q2": False,
    "q3": "b",
    "q4": False,
    "q5": False,
    "q6": False,
    "q7": False,
    "q8": False,
    "q9": True,
    "q10": False,
    "q11": "c",
    "q12": True,
    "q13": False,
}
