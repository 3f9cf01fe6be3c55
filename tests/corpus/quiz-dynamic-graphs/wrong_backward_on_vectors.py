"""Thinks backward() needs no argument on a 3-element tensor."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": False,
    "q4": 6.0,
    "q5": True,
    "q6": "b",
    "q7": "b",
    "q8": False,
    "q9": "b",
    "q10": "c",
    "q11": "a",
    "q12": False,
}
