"""Leaves the last item unanswered."""

ANSWERS = {
    "q1": "b",
    "q2": False,
    "q3": 27.0,
    "q4": False,
    "q5": False,
    "q6": False,
    "q7": 12.0,
    "q8": True,
    "q9": True,
    "q10": True,
}
