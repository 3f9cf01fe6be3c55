"""Counts the LSTM's parameters as if it had one gate (640) and mixes up out and h_n."""

ANSWERS = {
    "q1": True, "q2": True, "q3": 2, "q4": 0, "q5": False, "q6": "A", "q7": "a)", "q8": False,
    "q9": "d", "q10": "B", "q11": False, "q12": 640,
}
