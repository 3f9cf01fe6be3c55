"""Believes the seed: static embeddings capture different meanings in different contexts."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 2.0,
    "q4": 0.0,
    "q5": True,
    "q6": False,
    "q7": "a",
    "q8": False,
    "q9": True,
    "q10": "b",
    "q11": True,
    "q12": 2560,
}
