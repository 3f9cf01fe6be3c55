"""Thinks Embedding.from_pretrained fine-tunes the vectors by default."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 2.0,
    "q4": 0.0,
    "q5": False,
    "q6": True,
    "q7": "a",
    "q8": False,
    "q9": True,
    "q10": "b",
    "q11": True,
    "q12": 2560,
}
