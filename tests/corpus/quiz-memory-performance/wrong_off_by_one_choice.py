"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    "q1": False,
    "q2": True,
    "q3": True,
    "q4": "a",
    "q5": 201,
    "q6": True,
    "q7": False,
    "q8": True,
    "q9": True,
    "q10": "b",
    "q11": 16000001,
    "q12": True,
    "q13": True,
    "q14": "b",
    "q15": "c",
}
