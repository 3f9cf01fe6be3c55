"""Leaves the last item unanswered."""

ANSWERS = {
    "q1": False,
    "q2": True,
    "q3": True,
    "q4": "d",
    "q5": 200,
    "q6": True,
    "q7": False,
    "q8": True,
    "q9": True,
    "q10": "a",
    "q11": 16000000,
    "q12": True,
    "q13": True,
    "q14": "a",
}
