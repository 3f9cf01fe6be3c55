"""Correct answers written differently: integers for gradient values, capital letters."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 2,
    "q4": 0,
    "q5": False,
    "q6": False,
    "q7": "a)",
    "q8": False,
    "q9": True,
    "q10": "B",
    "q11": True,
    "q12": 2560.0,
}
