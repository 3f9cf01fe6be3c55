"""Believes clip_grad_norm_ returns the norm after clipping."""

ANSWERS = {
    "q1": False,
    "q2": False,
    "q3": "b",
    "q4": False,
    "q5": 0.25,
    "q6": "d",
    "q7": False,
    "q8": "d",
    "q9": True,
    "q10": False,
    "q11": "c",
    "q12": 5.0,
    "q13": "a",
}
