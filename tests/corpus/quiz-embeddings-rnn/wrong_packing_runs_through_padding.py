"""Thinks a packed RNN still steps over the padding, so h_n is not the last real state."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": 2.0,
    "q4": 0.0,
    "q5": False,
    "q6": False,
    "q7": "a",
    "q8": False,
    "q9": False,
    "q10": "b",
    "q11": True,
    "q12": 2560,
}
