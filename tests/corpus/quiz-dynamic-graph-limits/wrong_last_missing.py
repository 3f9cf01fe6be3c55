"""Leaves the last item unanswered."""

ANSWERS = {
    "q1": "b",
    "q2": False,
    "q3": False,
    "q4": "a",
    "q5": "d",
    "q6": "b",
    "q7": True,
    "q8": "b",
    "q9": True,
    "q10": True,
}
