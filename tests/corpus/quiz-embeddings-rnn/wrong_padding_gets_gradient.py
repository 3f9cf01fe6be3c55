"""Thinks the padding row gets gradient and a twice-used row gets 1."""

ANSWERS = {
    "q1": True, "q2": True, "q3": 1, "q4": 1, "q5": False, "q6": "A", "q7": "a)", "q8": False,
    "q9": "d", "q10": "B", "q11": True, "q12": 2560.0,
}
