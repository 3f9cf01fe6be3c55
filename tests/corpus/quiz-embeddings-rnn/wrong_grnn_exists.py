"""Believes the seed that nn.GRNN exists (answers GRU as the missing one)."""

ANSWERS = {
    "q1": True, "q2": True, "q3": 2, "q4": 0, "q5": False, "q6": "A", "q7": "a)", "q8": False,
    "q9": "c", "q10": "B", "q11": True, "q12": 2560.0,
}
