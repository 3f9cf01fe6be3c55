"""Believes the seed: static embeddings capture different meanings in different contexts, GloVe is not count-based."""

ANSWERS = {
    "q1": True, "q2": True, "q3": 2, "q4": 0, "q5": True, "q6": "c", "q7": "a)", "q8": False,
    "q9": "d", "q10": "B", "q11": True, "q12": 2560.0,
}
