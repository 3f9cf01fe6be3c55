"""Thinks nn.Conv2d flips its kernel (a true convolution)."""

ANSWERS = {
    "q1": "a",
    "q2": 28,
    "q3": 15,
    "q4": False,
    "q5": True,
    "q6": False,
    "q7": 0.25,
    "q8": 3,
    "q9": 16,
}
