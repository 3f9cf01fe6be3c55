"""Believes the seeds: convolution and pooling make the network rotation- and shift-invariant."""

ANSWERS = {
    "q1": "b",
    "q2": 28,
    "q3": 15,
    "q4": True,
    "q5": True,
    "q6": True,
    "q7": 0.25,
    "q8": 3,
    "q9": 16,
}
