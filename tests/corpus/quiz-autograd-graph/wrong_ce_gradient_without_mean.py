"""Forgets the 1/N of the mean cross-entropy: answers softmax - onehot = -0.5."""

ANSWERS = {
    "q1": True,
    "q2": False,
    "q3": False,
    "q4": True,
    "q5": "b",
    "q6": False,
    "q7": "b",
    "q8": False,
    "q9": 12.0,
    "q10": "b",
    "q11": False,
    "q12": -0.5,
    "q13": True,
    "q14": "c",
}
