"""The right answers in other accepted spellings: upper-case letters, integer and fraction forms for numbers."""

ANSWERS = {
    "q1": False,
    "q2": True,
    "q3": "B",
    "q4": False,
    "q5": 0.25,
    "q6": "D)",
    "q7": False,
    "q8": " d",
    "q9": True,
    "q10": False,
    "q11": "C",
    "q12": 5,
    "q13": "A",
}
