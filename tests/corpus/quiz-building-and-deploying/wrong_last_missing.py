"""Leaves the last item unanswered."""

ANSWERS = {
    "q1": "b",
    "q2": False,
    "q3": "a",
    "q4": False,
    "q5": False,
    "q6": False,
    "q7": False,
    "q8": False,
    "q9": True,
    "q10": False,
    "q11": "b",
    "q12": True,
}
