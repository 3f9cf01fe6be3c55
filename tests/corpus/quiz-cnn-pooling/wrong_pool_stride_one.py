"""Thinks pooling strides default to 1 and the avg-pool gradient is 1."""

ANSWERS = {
    "q1": "b",
    "q2": 28,
    "q3": 15,
    "q4": False,
    "q5": True,
    "q6": False,
    "q7": 1,
    "q8": 1,
    "q9": 16,
}
