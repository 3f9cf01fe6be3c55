"""Clips the scaled gradients right after scaler.scale(loss).backward(), without unscale_."""

ANSWERS = {
    "q1": False,
    "q2": True,
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
    "q13": "b",
}
