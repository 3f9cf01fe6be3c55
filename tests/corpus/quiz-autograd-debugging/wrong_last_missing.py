"""Leaves the last item unanswered."""

ANSWERS = {
    "q1": "a",
    "q2": "b",
    "q3": False,
    "q4": 30.0,
    "q5": True,
    "q6": True,
    "q7": "b",
    "q8": True,
    "q9": False,
}
