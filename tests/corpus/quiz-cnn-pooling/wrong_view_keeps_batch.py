"""Thinks view(-1, 1568) keeps the batch of 4."""

ANSWERS = {
    "q1": "b",
    "q2": 28,
    "q3": 15,
    "q4": False,
    "q5": True,
    "q6": False,
    "q7": 0.25,
    "q8": 3,
    "q9": 4,
}
