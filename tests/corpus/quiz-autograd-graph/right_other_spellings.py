"""The right answers in other accepted spellings: upper-case letters with a parenthesis, integers for numbers."""

ANSWERS = {
    "q1": True,
    "q2": False,
    "q3": False,
    "q4": True,
    "q5": "B)",
    "q6": False,
    "q7": " b ",
    "q8": False,
    "q9": 12,
    "q10": "B",
    "q11": False,
    "q12": -0.125,
    "q13": True,
    "q14": "C",
}
