"""Thinks the padding row gets gradient and a twice-used row gets 1."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 1.0,
    "q4": 1.0,
    "q5": False,
    "q6": False,
    "q7": "a",
    "q8": False,
    "q9": True,
    "q10": "b",
    "q11": True,
    "q12": 2560,
}
