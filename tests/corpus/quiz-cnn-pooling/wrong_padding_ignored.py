"""Forgets the padding (26, the seed 004-21 size) and the pooling (30)."""

ANSWERS = {
    "q1": "b",
    "q2": 26,
    "q3": 30,
    "q4": False,
    "q5": True,
    "q6": False,
    "q7": 0.25,
    "q8": 3,
    "q9": 16,
}
