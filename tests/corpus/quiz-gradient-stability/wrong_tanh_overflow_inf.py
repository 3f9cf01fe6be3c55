"""Expects inf (not nan) from the textbook tanh at 100 and a clipped norm of 50."""

ANSWERS = {
    "q1": False,
    "q2": True,
    "q3": "b",
    "q4": False,
    "q5": 0.25,
    "q6": "d",
    "q7": False,
    "q8": "d",
    "q9": True,
    "q10": False,
    "q11": "b",
    "q12": 50.0,
    "q13": "a",
}
